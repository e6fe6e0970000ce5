import { TaskTimeoutError } from '../errors/task-timeout.error.js';
import { executeWithin, TIMEOUT_GRACE_MS } from './execute-within.js';

describe('executeWithin', () => {
  it('runs to the end without a limit, and passes on what execute throws before the deadline', async () => {
    await expect(executeWithin(null, new AbortController(), () => undefined)).resolves.toBe(false);
    await expect(executeWithin(1000, new AbortController(), async () => {})).resolves.toBe(false);
    await expect(executeWithin(1000, new AbortController(), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('aborts with TaskTimeoutError at the deadline; a task heeding its signal ends at once', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const timedOut = await executeWithin(50, abort, () => new Promise((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason))));
    expect(timedOut).toBe(true);
    expect(abort.signal.reason).toBeInstanceOf(TaskTimeoutError);
    expect(abort.signal.reason.message).toBe('timed out after 50 ms');
    expect(Date.now() - started).toBeLessThan(50 + TIMEOUT_GRACE_MS);
  });

  it('leaves behind a task that ignores its signal, after the grace', async () => {
    const started = Date.now();
    await expect(executeWithin(50, new AbortController(), () => new Promise<void>(() => {}))).resolves.toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 + TIMEOUT_GRACE_MS - 5);
  });
});
