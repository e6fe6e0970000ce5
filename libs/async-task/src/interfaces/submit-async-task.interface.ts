import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { TaskPolicy } from '../policies/task-policy.js';

/**
 * What `AsyncTaskManager.submitAsyncTask()` takes. `retries`, `backoff` and `timeoutMs` (see
 * TaskPolicy) override the task type's defaults for this task.
 */
export interface SubmitAsyncTaskInput extends TaskPolicy {
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

/** What `AsyncTaskManager.waitForExit()` resolves with: the record, and whether the wait timed out. */
export interface WaitForExitResult extends AsyncTaskRecord {
  /**
   * `false`: the task has ended (SUCCESS, FAILED or CANCELLED). `true`: `timeoutMs` passed first, and this is the
   * record as it was then (WAITING, RUNNING or OFFLINE); the task goes on.
   */
  timedOut: boolean;
}

/** What an interrupt did. */
export interface InterruptResult {
  taskId: string;
  /**
   * `cancelled`: it was queued and is now CANCELLED. `interrupting`: it was running; the interrupt is
   * recorded on the task and it always ends in CANCELLED — even if `execute()` had just completed its
   * work (the interrupt won the race with the end). `already-finished`: its end was written before
   * the interrupt, see `status` (2, 3 or 4).
   */
  outcome: 'cancelled' | 'interrupting' | 'already-finished';
  status: number;
}
