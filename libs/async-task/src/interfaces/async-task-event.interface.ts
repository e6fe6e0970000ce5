import type { AsyncTaskStatus } from '../async-task.constants.js';
import type { ProgressSnapshot } from '../progress-record.js';

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
 * - `exit`: the task ended (SUCCESS, FAILED or CANCELLED); sent after its record says so.
 * Delivery is at most once (Redis pub/sub): a listener that must not miss an end re-reads the record.
 */
export type AsyncTaskEvent =
  | (AsyncTaskEventSubject & { kind: 'progress'; attempt: number; progress: ProgressSnapshot })
  | (AsyncTaskEventSubject & { kind: 'exit'; status: AsyncTaskStatus });
