// Public API of @sfc/async-task. Internals (stores, receivers, Redis key builders) stay private.
export { AsyncTaskModule } from './async-task.module.js';
export { AsyncTaskManager } from './async-task.manager.js';
export { AsyncTaskStatus, FINAL_STATUSES, isFinalStatus } from './async-task.constants.js';
export { AsyncTaskFactory } from './decorators/async-task-factory.decorator.js';
export { BaseAsyncTask } from './base-async-task.js';
export type { AsyncTask } from './interfaces/async-task.interface.js';
export type { AsyncTaskModuleOptions } from './interfaces/async-task-module-options.interface.js';
export type { AsyncTaskRedisCluster, AsyncTaskRedisFactory, AsyncTaskRedisOption, RedisClient } from './redis/redis-option.js';
export { createRedisClient } from './redis/redis-client.factory.js';
export { describeRedis } from './redis/redis-option.js';
export type { TaskLogOptions } from './interfaces/task-log-options.interface.js';
export type {
  InterruptResult,
  ListTasksQuery,
  Page,
  SubmitAsyncTaskInput,
  WaitForExitResult,
} from './interfaces/submit-async-task.interface.js';
export type { AsyncTaskNodeInfo } from './node-info.js';
export type { BackoffPolicy, TaskPolicy } from './policies/task-policy.js';
export type { TaskPolicyCounts } from './policies/policy-counters.js';
export { ProgressRecord, type ProgressSnapshot } from './progress-record.js';
export { AsyncTaskLog, type LogSink } from './task-log/async-task-log.js';
export * from './entities/index.js';
export * from './migrations/index.js';
export * from './errors/index.js';
