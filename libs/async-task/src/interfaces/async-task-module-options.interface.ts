import type { Type } from '@nestjs/common';
import type { AsyncTaskRedisOption } from './async-task-redis-option.interface.js';
import type { AsyncTaskFactory } from '../task/async-task-factory.interface.js';
import type { RetentionOptions } from './retention-options.interface.js';
import type { AsyncTaskScheduleInput } from './async-task-schedule-input.interface.js';

/** Options of `AsyncTaskModule.forRoot()` / `forRootAsync()`. Every one is optional. */
export interface AsyncTaskModuleOptions {
  /**
   * Redis. Each node opens a few connections of its own, every one from this option (the heartbeat
   * thread's too, with any function in the options kept):
   * - one server: a `redis://` / `rediss://` URL, or ioredis `RedisOptions`;
   * - Sentinel: ioredis options with `sentinels` and `name`, or
   *   `redis-sentinel://[:password@]host:26379[,host:26379…]/masterName[?db=N&sentinelPassword=…]`;
   * - Redis Cluster: `{ cluster: ['host:7001', …], options?: ClusterOptions }` — keys carry hash tags,
   *   so each task type's queue may sit on a different master (README "Scaling out");
   * - a factory `(purpose) => new Redis(…) | new Cluster(…)` returning a new connection per call
   *   (the library closes them).
   * @default 'redis://127.0.0.1:6379'
   */
  redis?: AsyncTaskRedisOption;
  /**
   * Prefix of every Redis key and queue; nodes of one cluster share it, separate clusters must not.
   * @default 'async-task'
   */
  prefix?: string;
  /** This node's id in records, logs and `listNodes()`. @default `<host>-<pid>-<random>` (unique per process) */
  nodeId?: string;
  /**
   * Run tasks on this node. `false` = submit/control only (API-only nodes): no workers, no factories needed.
   * @default true
   */
  worker?: boolean;
  /**
   * CPU budget of this node (one core = 100). A task starts only if the running tasks' `cpuOverhead`
   * plus its own stays within it; a task larger than the budget runs alone on an idle node.
   * @default cores × 100 − 10
   */
  maxLoad?: number;
  /** Factories to register besides the `@AsyncTaskFactory()` providers: classes (instantiated with DI) or instances. */
  factories?: Array<Type<AsyncTaskFactory> | AsyncTaskFactory>;
  /** How often this node writes its heartbeat. @default 1000 */
  heartbeatIntervalMs?: number;
  /** A node whose heartbeat is older than this is dead; its running tasks fail over. @default 5000 */
  nodeTimeoutMs?: number;
  /** How often one node (under a lock) scans for dead nodes' tasks and lost queue entries. @default 2000 */
  failoverIntervalMs?: number;
  /** Log bytes kept per attempt; past it a truncation marker is written once and the rest dropped. @default 1048576 (1 MiB) */
  maxLogBytesPerAttempt?: number;
  /** After this many attempts lost to dead nodes, the task ends in FAILED instead of running again. @default 3 */
  maxOfflineAttempts?: number;
  /** Largest accepted `params`, in UTF-8 bytes (they also ride in the first queue entry, in Redis). @default 65536 */
  maxParamsBytes?: number;
  /**
   * On shutdown, how long running tasks may keep going before they are handed over to other nodes.
   * 0 hands them over at once.
   * @default 0
   */
  shutdownGraceMs?: number;
  /** How long a task's progress stays readable after its attempt ends. @default 60000 */
  progressTtlMs?: number;
  /**
   * How long start-up waits for Redis to answer before it fails with `RedisUnreachableError`
   * (naming the address, password masked).
   * @default 5000
   */
  startupTimeoutMs?: number;
  /**
   * Recurring schedules this app declares; every node upserts them at start (same definition: no
   * change, so deploying twice neither skips nor repeats a tick). Schedules made with
   * `upsertSchedule()` and not listed here are left alone. @default []
   */
  schedules?: AsyncTaskScheduleInput[];
  /**
   * Deleting ended tasks and their logs by age and final status, in small batches by one node at a
   * time. @default none: every task is kept forever
   */
  retention?: RetentionOptions;
}
