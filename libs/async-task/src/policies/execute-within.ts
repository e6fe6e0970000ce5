import { TaskTimeoutError } from '../errors/task-timeout.error.js';

/**
 * After its deadline, how long a task may take to return once its signal aborted (a child process
 * killed, a socket closed) before its attempt is recorded anyway; a task that ignores the signal is
 * left behind then, and its budget freed.
 */
export const TIMEOUT_GRACE_MS = 200;

/**
 * Runs `execute` within an attempt's time limit (none: just runs it). Answers true when the deadline
 * passed: `abort` was aborted with a TaskTimeoutError, and the task returned within a short grace or
 * was left behind (whatever it does later is ignored). Rejects with what `execute` threw before then.
 */
export async function executeWithin(timeoutMs: number | null, abort: AbortController, execute: () => Promise<void> | void): Promise<boolean> {
  const running = Promise.resolve().then(execute);
  if (timeoutMs === null) {
    await running;
    return false;
  }
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      abort.abort(new TaskTimeoutError(timeoutMs));
      timer = setTimeout(resolve, TIMEOUT_GRACE_MS);
    }, timeoutMs);
  });
  // After the deadline whatever execute() does is moot: its rejection must not go unhandled either.
  const settled = running.catch((error: unknown) => {
    if (!timedOut) throw error;
  });
  try {
    await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
  return timedOut;
}
