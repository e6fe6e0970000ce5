import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ASYNC_TASK_ENTITIES, ASYNC_TASK_MIGRATIONS, AsyncTaskModule, AsyncTaskRecord } from '@sfc/async-task';
import { AsyncTaskErrorsFilter } from './api/async-task-errors.filter.js';
import { FollowQuota } from './api/follow-quota.js';
import { NodesController } from './api/nodes.controller.js';
import { OpenStreams } from './api/open-streams.js';
import { OwnedTasks } from './api/owned-tasks.js';
import { TaskLogController } from './api/task-log.controller.js';
import { TasksController } from './api/tasks.controller.js';
import { SchedulesController } from './api/schedules.controller.js';
import { BearerTokenGuard } from './auth/bearer-token.guard.js';
import { MeController } from './auth/me.controller.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { EventsController } from './events/events.controller.js';
import { TaskEventsHub } from './events/task-events.hub.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
import { ServiceProbes } from './health/service-probes.js';
import { SERVER_CONFIG, type ServerConfig } from './server.config.js';
import { NodeLoadHistory } from './stats/node-load.history.js';
import { StatsController } from './stats/stats.controller.js';
import { TaskStatsQueries } from './stats/task-stats.queries.js';
import { TaskQueries } from './task-queries.js';
import { SAMPLE_TASKS } from './tasks/sample-tasks.js';

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
        TypeOrmModule.forFeature([AsyncTaskRecord]),
        AsyncTaskModule.forRoot({ redis: config.redis, prefix: config.prefix, worker: config.worker, retention: config.retention }),
      ],
      controllers: [
        MeController,
        TasksController, TaskLogController, EventsController, NodesController,
        SchedulesController,
        HealthController,
        MetricsController,
        StatsController,
        DashboardController,
      ],
      providers: [
        { provide: SERVER_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: BearerTokenGuard },
        { provide: APP_FILTER, useClass: AsyncTaskErrorsFilter },
        OwnedTasks,
        OpenStreams,
        FollowQuota,
        TaskQueries,
        TaskStatsQueries,
        NodeLoadHistory,
        TaskEventsHub,
        ServiceProbes,
        ...(config.worker ? Object.values(SAMPLE_TASKS).map((sample) => sample.factory) : []),
      ],
    };
  }
}
