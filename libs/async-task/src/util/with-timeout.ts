/**
 * A call that never answered. Seen in practice: after a network cut, a query sent on a connection
 * that died with it can stay unsettled forever, so waiting on it would hang the caller.
 */
export class OperationTimeoutError extends Error {
  readonly code = 'ASYNC_TASK_TIMEOUT';
}

/**
 * The one bounded wait of the library: settles like `operation`, or rejects with OperationTimeoutError
 * after `ms` (the operation is abandoned, not cancelled).
 */
export async function withTimeout<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      operation,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new OperationTimeoutError(`${what} got no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for `operation` at most `ms`, then goes on: true if it settled in time, false if the wait ran
 * out. A rejection of `operation` within the wait is passed on.
 */
export async function waitAtMost(operation: Promise<unknown>, ms: number, what = 'A bounded wait'): Promise<boolean> {
  try {
    await withTimeout(operation, ms, what);
    return true;
  } catch (error) {
    if (error instanceof OperationTimeoutError) return false;
    throw error;
  }
}
