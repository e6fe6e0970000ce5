/** Lifecycle of a task, stored in `async_task_record.status` (design §3). */
export enum AsyncTaskStatus {
  /** Created, or republished after OFFLINE / after going missing from the queue. */
  WAITING = 0,
  /** Claimed by a node, running. */
  RUNNING = 1,
  /** `execute` resolved. Final. */
  SUCCESS = 2,
  /** `execute` threw, or the task kept killing nodes. Final. */
  FAILED = 3,
  /** Interrupted by a user. Final. */
  CANCELLED = 4,
  /** Its node died (counted in offlineCount) or shut down (a hand-over, not counted); then back to WAITING. */
  OFFLINE = 5,
}

export const FINAL_STATUSES: readonly AsyncTaskStatus[] = [
  AsyncTaskStatus.SUCCESS,
  AsyncTaskStatus.FAILED,
  AsyncTaskStatus.CANCELLED,
];

export function isFinalStatus(status: AsyncTaskStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** Injection token of the resolved options (defaults merged, validated). */
export const ASYNC_TASK_RESOLVED_OPTIONS = Symbol('ASYNC_TASK_RESOLVED_OPTIONS');
/** Injection token of the Redis connection shared by this node's commands (not its blocking workers). */
export const ASYNC_TASK_REDIS = Symbol('ASYNC_TASK_REDIS');

/** Task types become queue names: keep them to characters every Redis tool shows plainly. */
export const TASK_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Caller-chosen ids share the column with generated ones. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const MAX_NAME_LENGTH = 255;
export const MAX_UID_LENGTH = 64;
/** Submit priority range: higher runs sooner. */
export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 1000;
/**
 * Limits of one `submitAsyncTasks()` call: the tasks it holds, and the bytes of their params together
 * (each task's params are also capped by the `maxParamsBytes` option). Past them the whole call is
 * refused with BulkSubmissionTooLargeError before anything is written: split it into several calls.
 */
export const MAX_BULK_SUBMIT_TASKS = 10_000;
export const MAX_BULK_SUBMIT_BYTES = 16 * 1024 * 1024;
