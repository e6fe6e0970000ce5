import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ASYNC_TASK_ENTITIES, ASYNC_TASK_MIGRATIONS, AsyncTaskModule } from '../../../libs/async-task/src/index.js';
import type { ServerConfig } from './server.config.js';
import { TasksController } from './tasks.controller.js';
import { SleepTaskFactory } from './tasks/sleep.task.js';

@Module({})
export class AppModule {
  static forConfig(config: ServerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'mysql',
          url: config.mysqlUrl,
          entities: ASYNC_TASK_ENTITIES,
          migrations: ASYNC_TASK_MIGRATIONS,
          migrationsRun: true,
        }),
        AsyncTaskModule.forRoot({ redis: config.redisUrl, prefix: config.prefix, worker: config.worker }),
      ],
      controllers: [TasksController],
      providers: [SleepTaskFactory],
    };
  }
}
