import type { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import type { ProgressSnapshot } from '../task/progress-record.js';

/** Who a task belongs to and what it is, carried by its events so listeners can filter without reading MySQL. */
export interface AsyncTaskEventSubject {
  taskId: string;
  uid?: string | null;
  name?: string;
  taskType?: string;
}

/**
 * What `AsyncTaskManager.onTaskEvent()` delivers, from every node of the cluster:
 * - `progress`: a running task's latest sample, about once a second while it runs (so it also says
 *   "running"); its last sample comes just before its `exit`.
 * - `retry`: an attempt failed with retries left; the task is WAITING again until `runAfter` (ISO time),
 *   after `retryCount` retries, with the attempt's `failedReason`.
 * - `exit`: the task ended (SUCCESS, FAILED or CANCELLED); sent after its record says so.
 * Delivery is at most once (Redis pub/sub): a listener that must not miss an end re-reads the record.
 */
export type AsyncTaskEvent =
  | (AsyncTaskEventSubject & { kind: 'progress'; attempt: number; progress: ProgressSnapshot })
  | (AsyncTaskEventSubject & { kind: 'retry'; attempt: number; retryCount: number; runAfter: string; failedReason: string | null })
  | (AsyncTaskEventSubject & { kind: 'exit'; status: AsyncTaskStatus });
