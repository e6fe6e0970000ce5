import { text } from 'node:stream/consumers';
import { Injectable } from '@nestjs/common';
import {
  AsyncTaskFactory,
  AsyncTaskNotFoundError,
  AsyncTaskStatus,
  BaseAsyncTask,
  InvalidAsyncTaskError,
  TaskNotEndedError,
  TaskTimeoutError,
  UnrecoverableTaskError,
  type AsyncTaskLog,
  type AsyncTaskRecord,
} from '../src/index.js';
import { TestDatabase } from '../../../test/support/test-database.js';
import { uniqueName } from '../../../test/support/test-environment.js';
import { startTestNode, type TestNode } from '../../../test/support/test-node.js';
import { waitFor } from '../../../test/support/wait-for.js';

/** When each attempt of each task started and ended (this process's clock), to measure backoffs. */
const runs = new Map<string, Array<{ attempt: number; startedAt: number; endedAt?: number }>>();

/**
 * `flaky` {failures, hang?}: throws on its first `failures` attempts ("boom on attempt N"), then
 * succeeds — or, with `hang`, then ignores its signal and never returns. `{unrecoverable: true}`
 * throws UnrecoverableTaskError. `{holdFirst: true}`: the first attempt waits for its signal.
 */
class FlakyTask extends BaseAsyncTask {
  constructor(params: string, private readonly record: AsyncTaskRecord) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, signal: AbortSignal): Promise<void> {
    const { failures = 0, hang = false, unrecoverable = false, holdFirst = false } = JSON.parse(this.params || '{}');
    const { id, attempt } = this.record;
    const run: { attempt: number; startedAt: number; endedAt?: number } = { attempt, startedAt: Date.now() };
    runs.set(id, [...(runs.get(id) ?? []), run]);
    try {
      log.info(`working on attempt ${attempt}`);
      if (unrecoverable) throw new UnrecoverableTaskError(`bad input on attempt ${attempt}`);
      if (holdFirst && attempt === 1) {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw signal.reason;
      }
      if (attempt <= failures) throw new Error(`boom on attempt ${attempt}`);
      if (hang) await new Promise(() => {}); // ignores its signal: never returns
      log.info('done');
    } finally {
      run.endedAt = Date.now();
    }
  }
}

const flakyFactory = (taskType = 'flaky') => ({
  getTaskType: () => taskType,
  createTask: (params: string, record: AsyncTaskRecord) => new FlakyTask(params, record),
});

/** `quiet`: succeeds at once and writes nothing, the cheapest task there is. */
const quietFactory = {
  getTaskType: () => 'quiet',
  createTask: (params: string, record: AsyncTaskRecord) =>
    Object.assign(new FlakyTask(params, record), { execute: () => undefined }),
};

/** Per-type defaults through the decorator: one retry after 50 ms. */
@Injectable()
@AsyncTaskFactory('flaky.decorated', { retries: 1, backoff: { type: 'fixed', delayMs: 50 } })
class DecoratedFlakyFactory {
  getTaskType = () => 'flaky.decorated';
  createTask = (params: string, record: AsyncTaskRecord) => new FlakyTask(params, record);
}

/** Per-type defaults through a factory method: two retries, 200 ms time limit. */
const methodFactory = {
  ...flakyFactory('flaky.method'),
  getTaskPolicy: () => ({ retries: 2, backoff: { type: 'fixed' as const, delayMs: 20 }, timeoutMs: 200 }),
};

const HEADERS = /^===== attempt \d+ on [^,]+, started [^=]+ =====$/gm;

describe('retries with backoff, timeouts and rerun (real Redis and MySQL)', () => {
  const database = new TestDatabase();
  let node: TestNode;

  beforeAll(async () => {
    await database.create();
    node = await startTestNode(
      database,
      {
        prefix: uniqueName('retry'),
        nodeId: 'retry-node',
        maxLoad: 100,
        factories: [flakyFactory(), methodFactory],
      },
      [DecoratedFlakyFactory],
    );
  });
  afterAll(async () => {
    await node?.close();
    await database.drop();
  });

  const log = async (id: string) => text(await node.manager.getTaskLog(id));

  it('fails twice then succeeds with retries: 3 → SUCCESS on attempt 3, three headers in the log', async () => {
    const { id } = await node.manager.submitAsyncTask({
      name: 'flaky', taskType: 'flaky', params: { failures: 2 }, retries: 3, backoff: { type: 'fixed', delayMs: 50 },
    });
    const record = await node.manager.waitForExit(id, 15_000);
    expect(record.status).toBe(AsyncTaskStatus.SUCCESS);
    expect(record.attempt).toBe(3);
    expect(record.retryCount).toBe(2);
    expect(record.failedReason).toBeNull();
    const history = await log(id);
    expect(history.match(HEADERS)).toHaveLength(3);
    expect(history).toMatch(/attempt 1 on retry-node[^\n]*\n\[ INFO\][^\n]*working on attempt 1\n\[ERROR\][^\n]*boom on attempt 1/);
    expect(history).toMatch(/\[ WARN\][^\n]* retry 1 of 3 in 0\.1 s\n/);
    expect(history).toMatch(/^===== attempt 1 on retry-node, started [\d:. -]+ =====$/m);
    expect(history).toMatch(/^===== attempt 2 on retry-node, started [\d:. -]+, retry 1 of 3 after 0\.1 s backoff: boom on attempt 1 =====$/m);
    expect(history).toMatch(/^===== attempt 3 on retry-node, started [\d:. -]+, retry 2 of 3 after 0\.1 s backoff: boom on attempt 2 =====$/m);
    expect(history).toMatch(/\] done\n$/);
  });

  it('always fails with retries: 2 → FAILED after 3 attempts with the last reason', async () => {
    const { id } = await node.manager.submitAsyncTask({
      name: 'doomed', taskType: 'flaky', params: { failures: 99 }, retries: 2, backoff: { type: 'fixed', delayMs: 10 },
    });
    const record = await node.manager.waitForExit(id, 15_000);
    expect(record.status).toBe(AsyncTaskStatus.FAILED);
    expect(record.attempt).toBe(3);
    expect(record.failedReason).toBe('boom on attempt 3');
    expect((await log(id)).match(HEADERS)).toHaveLength(3);
  });

  it('waits the backoff between attempts: fixed with jitter, and exponential, within their bounds', async () => {
    const fixed = await node.manager.submitAsyncTask({
      name: 'fixed', taskType: 'flaky', params: { failures: 3 }, retries: 3, backoff: { type: 'fixed', delayMs: 400, jitter: 0.25 },
    });
    const exponential = await node.manager.submitAsyncTask({
      name: 'exponential', taskType: 'flaky', params: { failures: 3 }, retries: 3, backoff: { type: 'exponential', delayMs: 200, maxDelayMs: 500 },
    });
    for (const { id } of [fixed, exponential]) expect((await node.manager.waitForExit(id, 20_000)).status).toBe(AsyncTaskStatus.SUCCESS);
    const gaps = (id: string) => {
      const attempts = runs.get(id)!;
      return attempts.slice(1).map((run, i) => run.startedAt - attempts[i].endedAt!);
    };
    // Lower bounds are exact (a delayed queue entry never starts early); above, claiming takes a moment.
    for (const gap of gaps(fixed.id)) expect(gap).toBeGreaterThanOrEqual(300 - 5);
    for (const gap of gaps(fixed.id)) expect(gap).toBeLessThan(500 + 700);
    const [first, second, third] = gaps(exponential.id);
    expect(first).toBeGreaterThanOrEqual(200 - 5);
    expect(second).toBeGreaterThanOrEqual(400 - 5);
    expect(third).toBeGreaterThanOrEqual(500 - 5); // 800 capped at maxDelayMs
    expect(first).toBeLessThan(200 + 700);
    expect(second).toBeLessThan(400 + 700);
    expect(third).toBeLessThan(500 + 700);
  }, 30_000);

  it('UnrecoverableTaskError fails at once whatever the retries', async () => {
    const { id } = await node.manager.submitAsyncTask({ name: 'bad', taskType: 'flaky', params: { unrecoverable: true }, retries: 5 });
    const record = await node.manager.waitForExit(id, 15_000);
    expect(record.status).toBe(AsyncTaskStatus.FAILED);
    expect(record.attempt).toBe(1);
    expect(record.failedReason).toBe('bad input on attempt 1');
  });

  it('a hanging task with timeoutMs: 500 → FAILED "timed out" within 1 s, and its budget is freed', async () => {
    const started = Date.now();
    const { id } = await node.manager.submitAsyncTask({ name: 'hang', taskType: 'flaky', params: { hang: true }, timeoutMs: 500, cpuOverhead: 100 });
    const record = await node.manager.waitForExit(id, 5_000);
    const tookMs = Date.now() - started;
    expect(record.status).toBe(AsyncTaskStatus.FAILED);
    expect(record.failedReason).toBe('timed out after 500 ms');
    expect(tookMs).toBeLessThan(1000);
    expect(await log(id)).toMatch(/\[ERROR\][^\n]* timed out after 500 ms\n/);
    // The hung execute() is still pending, yet a task needing the node's whole budget runs.
    const next = await node.manager.submitAsyncTask({ name: 'after hang', taskType: 'flaky', cpuOverhead: 100 });
    expect((await node.manager.waitForExit(next.id, 5_000)).status).toBe(AsyncTaskStatus.SUCCESS);
  });

  it('aborts the signal of a timed-out attempt with TaskTimeoutError, and retries it if retries are left', async () => {
    const reasons: unknown[] = [];
    node.manager.registerFactory({
      getTaskType: () => 'signal-watcher',
      createTask: (params: string, record: AsyncTaskRecord) =>
        Object.assign(new FlakyTask('{}', record), {
          execute: (_log: AsyncTaskLog, signal: AbortSignal) =>
            new Promise<void>((resolve, reject) => {
              if (record.attempt > 1) return resolve();
              signal.addEventListener('abort', () => (reasons.push(signal.reason), reject(signal.reason)), { once: true });
            }),
        }),
    });
    const { id } = await node.manager.submitAsyncTask({ name: 'slow once', taskType: 'signal-watcher', timeoutMs: 300, retries: 1, backoff: { type: 'fixed', delayMs: 10 } });
    const record = await node.manager.waitForExit(id, 10_000);
    expect(record.status).toBe(AsyncTaskStatus.SUCCESS);
    expect(record.attempt).toBe(2);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(TaskTimeoutError);
    expect(await log(id)).toMatch(/^===== attempt 2 [^\n]*, retry 1 of 1 after 0\.0 s backoff: timed out after 300 ms =====$/m);
  });

  it('an interrupt during the backoff wait ends CANCELLED at once', async () => {
    const { id } = await node.manager.submitAsyncTask({
      name: 'patient', taskType: 'flaky', params: { failures: 1 }, retries: 1, backoff: { type: 'fixed', delayMs: 60_000 },
    });
    const waiting = await waitFor('the first attempt to fail into its backoff', async () => {
      const record = await node.manager.getTask(id);
      return record.status === AsyncTaskStatus.WAITING && record.retryCount === 1 ? record : undefined;
    });
    expect(waiting.failedReason).toBe('boom on attempt 1');
    expect(waiting.runAfter!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    const result = await node.manager.interrupt(id);
    expect(result).toEqual({ taskId: id, outcome: 'cancelled', status: AsyncTaskStatus.CANCELLED });
    const record = await node.manager.getTask(id);
    expect(record.status).toBe(AsyncTaskStatus.CANCELLED);
    expect(record.attempt).toBe(1);
  });

  it('reruns SUCCESS, FAILED and CANCELLED tasks → SUCCESS, same id, history kept', async () => {
    const succeeded = await node.manager.submitAsyncTask({ name: 'ok', taskType: 'flaky' });
    const failed = await node.manager.submitAsyncTask({ name: 'fails once', taskType: 'flaky', params: { failures: 1 } });
    const cancelled = await node.manager.submitAsyncTask({ name: 'held', taskType: 'flaky', params: { holdFirst: true } });
    const queuedCancel = await node.manager.submitAsyncTask({ name: 'later', taskType: 'flaky', delayMs: 60_000 });
    await waitFor('the held task to run', async () => (await node.manager.getTask(cancelled.id)).status === AsyncTaskStatus.RUNNING);
    await node.manager.interrupt(cancelled.id);
    await node.manager.interrupt(queuedCancel.id);
    const ended = await Promise.all([succeeded, failed, cancelled, queuedCancel].map(({ id }) => node.manager.waitForExit(id, 10_000)));
    expect(ended.map((record) => record.status)).toEqual([AsyncTaskStatus.SUCCESS, AsyncTaskStatus.FAILED, AsyncTaskStatus.CANCELLED, AsyncTaskStatus.CANCELLED]);

    for (const record of ended) {
      const rerun = await node.manager.rerun(record.id);
      expect(rerun.id).toBe(record.id);
      expect(rerun.status).toBe(AsyncTaskStatus.WAITING);
      expect(rerun.attempt).toBe(record.attempt);
      expect(rerun.failedReason).toBeNull();
      const final = await node.manager.waitForExit(record.id, 10_000);
      expect(final.status).toBe(AsyncTaskStatus.SUCCESS);
      expect(final.attempt).toBe(record.attempt + 1);
      const history = await log(record.id);
      expect(history.match(HEADERS)).toHaveLength(record.attempt + 1);
      expect(history).toMatch(new RegExp(`^===== attempt ${record.attempt + 1} on retry-node, started [\\d:. -]+, rerun =====$`, 'm'));
    }
    // The earlier attempts' logs are all still there.
    expect(await log(failed.id)).toMatch(/boom on attempt 1[\s\S]*===== attempt 2 [\s\S]*done\n$/);
  });

  it('refuses a rerun of a task that has not ended, and of an unknown id', async () => {
    const { id } = await node.manager.submitAsyncTask({ name: 'later', taskType: 'flaky', delayMs: 60_000 });
    await expect(node.manager.rerun(id)).rejects.toThrow(TaskNotEndedError);
    await expect(node.manager.rerun(id)).rejects.toThrow(/is WAITING; only an ended task/);
    expect((await node.manager.getTask(id)).status).toBe(AsyncTaskStatus.WAITING);
    await expect(node.manager.rerun('no-such-task')).rejects.toThrow(AsyncTaskNotFoundError);
    await node.manager.interrupt(id);
  });

  it('uses the per-type defaults of the decorator and of getTaskPolicy(); a submission overrides them', async () => {
    const decorated = await node.manager.submitAsyncTask({ name: 'd', taskType: 'flaky.decorated', params: { failures: 1 } });
    const method = await node.manager.submitAsyncTask({ name: 'm', taskType: 'flaky.method', params: { failures: 2 } });
    const methodHang = await node.manager.submitAsyncTask({ name: 'mh', taskType: 'flaky.method', params: { hang: true } });
    const overridden = await node.manager.submitAsyncTask({ name: 'o', taskType: 'flaky.decorated', params: { failures: 1 }, retries: 0 });
    const [d, m, mh, o] = await Promise.all([decorated, method, methodHang, overridden].map(({ id }) => node.manager.waitForExit(id, 15_000)));
    expect([d.status, d.attempt]).toEqual([AsyncTaskStatus.SUCCESS, 2]);
    expect([m.status, m.attempt]).toEqual([AsyncTaskStatus.SUCCESS, 3]);
    expect([mh.status, mh.attempt, mh.failedReason]).toEqual([AsyncTaskStatus.FAILED, 3, 'timed out after 200 ms']);
    expect([o.status, o.attempt]).toEqual([AsyncTaskStatus.FAILED, 1]);
  });

  it('counts retries and timeouts per task type', async () => {
    const counts = await node.manager.getPolicyCounts();
    const of = (taskType: string) => counts.find((count) => count.taskType === taskType);
    // flaky: 2 + 2 + 3 + 3 retries in the first tests and 1 before the interrupted backoff; the hanging task timed out once.
    expect(of('flaky')).toEqual({ taskType: 'flaky', retries: 11, timeouts: 1 });
    expect(of('flaky.method')).toEqual({ taskType: 'flaky.method', retries: 4, timeouts: 3 });
    expect(of('signal-watcher')).toEqual({ taskType: 'signal-watcher', retries: 1, timeouts: 1 });
  });

  it('costs a task that never fails no extra statement: insert, claim and finish, nothing else', async () => {
    // A second node whose DataSource records every statement with the task ids it names.
    const statements: Array<{ query: string; parameters: unknown[] }> = [];
    const recorder = {
      logQuery: (query: string, parameters: unknown[] = []) => void statements.push({ query, parameters }),
      logQueryError: () => {},
      logQuerySlow: () => {},
      logSchemaBuild: () => {},
      logMigration: () => {},
      log: () => {},
    };
    const counted = await startTestNode(database, { prefix: uniqueName('quiet'), nodeId: 'quiet-node', factories: [quietFactory] }, [], { logger: recorder });
    try {
      statements.length = 0; // what start-up checked (entities, tables) is not a task's cost
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await counted.manager.submitAsyncTask({ name: `quiet ${i}`, taskType: 'quiet' })).id);
      // Waited for through the other node, whose statements are not recorded.
      const records = await Promise.all(ids.map((id) => node.manager.waitForExit(id, 10_000)));
      expect(records.map((record) => record.status)).toEqual(ids.map(() => AsyncTaskStatus.SUCCESS));
      const naming = (id: string) => statements.filter(({ parameters }) => parameters.includes(id)).map(({ query }) => query.trim().split(/\s+/).slice(0, 3).join(' '));
      // Each task's insert, claim and finish, and not one statement more (no read, no log row).
      for (const id of ids) {
        expect(naming(id)).toEqual(['INSERT INTO `async_task_record`', 'UPDATE async_task_record FORCE', 'UPDATE async_task_record FORCE']);
      }
      expect(statements.some(({ query }) => /async_task_log_record/.test(query))).toBe(false);
    } finally {
      await counted.close();
    }
  });

  it('rejects bad retries, backoff and timeouts at submit, writing nothing', async () => {
    const [{ n: before }] = await database.query<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM async_task_record');
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ retries: -1 }, /retries must be an integer from 0/],
      [{ retries: 1.5 }, /retries/],
      [{ timeoutMs: 0 }, /timeoutMs must be an integer from 1/],
      [{ timeoutMs: 2.5 }, /timeoutMs/],
      [{ backoff: { type: 'fixed', delayMs: -1 } }, /backoff\.delayMs/],
      [{ backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 10 } }, /backoff\.maxDelayMs/],
      [{ backoff: { type: 'sometimes', delayMs: 1 } }, /backoff\.type/],
    ];
    for (const [fields, message] of bad) {
      const attempt = node.manager.submitAsyncTask({ name: 'bad', taskType: 'flaky', ...fields });
      await expect(attempt).rejects.toThrow(InvalidAsyncTaskError);
      await expect(node.manager.submitAsyncTask({ name: 'bad', taskType: 'flaky', ...fields })).rejects.toThrow(message);
    }
    const [{ n: after }] = await database.query<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM async_task_record');
    expect(Number(after)).toBe(Number(before));
  });
});
