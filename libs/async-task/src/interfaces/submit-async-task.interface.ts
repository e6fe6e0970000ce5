/** What `AsyncTaskManager.submitAsyncTask()` takes. */
export interface SubmitAsyncTaskInput {
  /** Human-readable name, 1–255 characters. */
  name: string;
  /** Must match the `getTaskType()` of a factory on some worker node. */
  taskType: string;
  /** A string, or an object stored as JSON. Size is capped by the `maxParamsBytes` option. */
  params?: string | object;
  /** CPU budget while running, one core = 100. @default 0 */
  cpuOverhead?: number;
  /** Your own id (letters, digits, `_`, `-`; at most 64); generated when omitted. */
  id?: string;
  /** Owner of the task, e.g. a user id (at most 64 characters). */
  uid?: string | number;
  /** 0–1000, higher runs sooner. @default 0 */
  priority?: number;
  /** Do not start before this many milliseconds from now. @default 0 */
  delayMs?: number;
}

export interface ListTasksQuery {
  /** Owner, matched exactly (case-sensitive, whatever the column's collation). */
  uid?: string | number;
  status?: number | number[];
  taskType?: string;
  /** 1-based. @default 1 */
  page?: number;
  /** 1–500. @default 20 */
  size?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
}

/** What an interrupt did. */
export interface InterruptResult {
  taskId: string;
  /**
   * `cancelled`: it was queued and is now CANCELLED; `interrupting`: it runs and was told to stop
   * (it ends in CANCELLED); `already-finished`: it had ended before, see `status`.
   */
  outcome: 'cancelled' | 'interrupting' | 'already-finished';
  status: number;
}
