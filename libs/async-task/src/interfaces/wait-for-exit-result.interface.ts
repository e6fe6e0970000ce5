import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';

/** What `AsyncTaskManager.waitForExit()` resolves with: the record, and whether the wait timed out. */
export interface WaitForExitResult extends AsyncTaskRecord {
  /**
   * `false`: the task has ended (SUCCESS, FAILED or CANCELLED). `true`: `timeoutMs` passed first, and this is the
   * record as it was then (WAITING, RUNNING or OFFLINE); the task goes on.
   */
  timedOut: boolean;
}
