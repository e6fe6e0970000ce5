import type { TaskPolicy } from '../task/task-policy.interface.js';

/**
 * What `AsyncTaskManager.upsertSchedule()` (and the `schedules` module option) takes: when to fire
 * (`cron` or `everyMs`, exactly one) and the task every tick submits, with its policies.
 */
export interface AsyncTaskScheduleInput extends TaskPolicy {
  /** Your id for the schedule: 1–40 letters, digits, `_` or `-`. Upserting the same id replaces it. */
  id: string;
  /**
   * Cron expression, read by cron-parser: 5 fields (`m h dom mon dow`) or 6 with seconds first, or a
   * preset such as `@daily`. Give this or `everyMs`.
   */
  cron?: string;
  /**
   * Fixed interval in ms, at least 1000 (MIN_SCHEDULE_EVERY_MS); ticks fall on multiples of it since
   * the Unix epoch, so every node computes the same due times. Give this or `cron`.
   */
  everyMs?: number;
  /** IANA time zone the cron expression is read in (DST handled by cron-parser). @default 'UTC' */
  timezone?: string;
  /** Task type every tick submits. */
  taskType: string;
  /** Name of every task it submits. @default the schedule id */
  name?: string;
  /** Params of every task it submits (a string, or an object stored as JSON). */
  params?: string | object;
  /** Owner of the schedule and of the tasks it submits. */
  uid?: string | number;
  /** @default 0 */
  cpuOverhead?: number;
  /** @default 0 */
  priority?: number;
  /**
   * Ticks missed while no node was up (due more than SCHEDULE_LATE_TOLERANCE_MS ago when a node looks):
   * `none` drops them and waits for the next due time; `last` runs the latest missed tick once.
   * @default 'none'
   */
  catchUp?: 'none' | 'last';
  /**
   * A tick while the task of the previous tick has not ended: `skip` drops the tick, `allow` runs it
   * alongside. @default 'skip'
   */
  overlap?: 'skip' | 'allow';
}
