import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ASYNC_TASK_MIGRATIONS, AsyncTaskModule } from '@sfc/async-task';
import { GreetFactory } from './greetings/greet.factory.js';
import { GreetingsModule } from './greetings/greetings.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        type: 'mysql',
        url: config.getOrThrow<string>('MYSQL_URL'),
        autoLoadEntities: true,
        migrations: [...ASYNC_TASK_MIGRATIONS],
        migrationsRun: true,
      }),
    }),
    AsyncTaskModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        redis: config.getOrThrow<string>('REDIS_URL'),
        prefix: config.getOrThrow<string>('ASYNC_TASK_PREFIX'),
        factories: [GreetFactory],
      }),
    }),
    GreetingsModule,
  ],
})
export class AppModule {}
