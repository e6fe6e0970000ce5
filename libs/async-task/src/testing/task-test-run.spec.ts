import { setTimeout as delay } from 'node:timers/promises';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import { BaseAsyncTask } from '../task/base-async-task.js';
import type { AsyncTaskLog } from '../task/async-task-log.js';
import { runAsyncTaskForTest } from './task-test-run.js';

/** Counts to `count` in steps of 10 ms; fails with `fail` when given. */
class CountTask extends BaseAsyncTask {
  constructor(
    params: string,
    private readonly record: AsyncTaskRecord,
  ) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, signal: AbortSignal) {
    const { count, fail } = JSON.parse(this.params) as { count: number; fail?: string };
    log.info(`attempt ${this.record.attempt} of task ${this.record.id}`);
    this.progress.setTotal(count);
    for (let i = 0; i < count; i++) {
      await delay(10, undefined, { signal });
      this.progress.appendLoaded(1);
    }
    if (fail) throw new Error(fail);
  }
}

const factory = { getTaskType: () => 'count', createTask: (params: string, record: AsyncTaskRecord) => new CountTask(params, record) };

describe('runAsyncTaskForTest', () => {
  it('runs a task to SUCCESS with its log, the record it asked for and progress with a speed', async () => {
    const run = runAsyncTaskForTest(factory, { params: { count: 20 }, record: { id: 'job-1', attempt: 2 }, progressIntervalMs: 50 });
    const speeds: number[] = [];
    while ((await Promise.race([run.result.then(() => 'done'), delay(60, 'tick')])) === 'tick') speeds.push(run.progress()?.speed ?? 0);
    const result = await run.result;
    expect(result.status).toBe(AsyncTaskStatus.SUCCESS);
    expect(result.failedReason).toBeNull();
    expect(result.log).toMatch(/^\[ INFO\]\[[^\]]+\] attempt 2 of task job-1\n$/);
    expect(result.progress).toMatchObject({ total: 20, loaded: 20 });
    // ~10 ms per unit: somewhere near 100 units/s, never negative, seen while it ran.
    expect(Math.max(...speeds)).toBeGreaterThan(20);
    expect(Math.max(...speeds)).toBeLessThan(200);
  });

  it('ends FAILED with the reason and the error, and logs it', async () => {
    const result = await runAsyncTaskForTest(factory, { params: '{"count":1,"fail":"disk full"}' }).result;
    expect(result.status).toBe(AsyncTaskStatus.FAILED);
    expect(result.failedReason).toBe('disk full');
    expect(result.error).toBeInstanceOf(Error);
    expect(result.log).toContain('[ERROR]');
    expect(result.log).toContain('Error: disk full');
  });

  it('ends CANCELLED on interrupt, with one INFO line and no error', async () => {
    const run = runAsyncTaskForTest(factory, { params: { count: 1000 } });
    await delay(30);
    await run.interrupt();
    const result = await run.result;
    expect(result.status).toBe(AsyncTaskStatus.CANCELLED);
    expect(result.failedReason).toBeNull();
    expect(result.log).toContain('Interrupted by a user: the task ends CANCELLED.');
    expect(result.log).not.toContain('[ERROR]');
    expect(result.progress!.loaded).toBeLessThan(1000);
  });
});
