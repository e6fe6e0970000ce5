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
