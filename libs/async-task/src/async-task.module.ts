import { type DynamicModule, Module } from '@nestjs/common';
import { AsyncTaskCoreModule } from './async-task-core.module.js';
import { ASYNC_TASK_ASYNC_OPTIONS_TYPE, ASYNC_TASK_OPTIONS_TYPE } from './config/async-task.module-definition.js';

/**
 * Background tasks across a cluster of nodes. Import `forRoot(options)` or
 * `forRootAsync({ imports, inject, useFactory })` once, in the root module; the host app provides the
 * TypeORM DataSource (with `ASYNC_TASK_ENTITIES` or `autoLoadEntities`, and `ASYNC_TASK_MIGRATIONS` run).
 * `AsyncTaskManager` can then be injected anywhere; feature modules may also import `AsyncTaskModule`
 * (or `AsyncTaskModule.forFeature()`) to say so.
 */
@Module({})
export class AsyncTaskModule {
  static forRoot(options: typeof ASYNC_TASK_OPTIONS_TYPE = {}): DynamicModule {
    return { module: AsyncTaskModule, imports: [AsyncTaskCoreModule.forRoot(options)] };
  }

  static forRootAsync(options: typeof ASYNC_TASK_ASYNC_OPTIONS_TYPE): DynamicModule {
    return { module: AsyncTaskModule, imports: [AsyncTaskCoreModule.forRootAsync(options)] };
  }

  /** For feature modules: the manager comes from the one `forRoot()` of the app. */
  static forFeature(): DynamicModule {
    return { module: AsyncTaskModule };
  }
}
