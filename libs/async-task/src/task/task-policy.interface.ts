/**
 * How a task type or a single submission handles failure and hanging: retries with backoff, and a
 * time limit per attempt. Per submission values win over the type's defaults (decorator or factory).
 */
export interface TaskPolicy {
  /**
   * How many more attempts a task gets after `execute` throws (or times out). Attempts lost with a
   * dead node are not counted here (see the `maxOfflineAttempts` option). @default 0
   */
  retries?: number;
  /** The wait before each retry. @default { type: 'exponential', delayMs: 1000, maxDelayMs: 300000 } */
  backoff?: BackoffPolicy;
  /**
   * Longest run of one attempt, in ms. At the deadline the task's signal aborts with a
   * TaskTimeoutError and the attempt ends FAILED ("timed out after N ms"), or is retried. @default none
   */
  timeoutMs?: number;
}

/** The wait before a retry: `fixed` waits `delayMs` every time, `exponential` doubles it from `delayMs`. */
export interface BackoffPolicy {
  type: 'fixed' | 'exponential';
  /** The first wait, in ms (and every wait for `fixed`). */
  delayMs: number;
  /** No wait is longer than this (in ms); must be ≥ `delayMs`. @default no cap for fixed, 300000 for exponential */
  maxDelayMs?: number;
  /**
   * 0–1: each wait is scattered at random by up to this fraction (0.2 = ±20 %), then kept within
   * `maxDelayMs`, so tasks that failed together do not all retry in the same instant. @default 0
   */
  jitter?: number;
}
