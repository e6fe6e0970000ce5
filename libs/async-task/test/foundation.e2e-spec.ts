import { Inject, Injectable, type Provider } from '@nestjs/common';
import {
  AsyncTaskFactory,
  type AsyncTaskRecord,
  AsyncTaskStatus,
  DuplicateTaskIdError,
  DuplicateTaskTypeError,
  InvalidAsyncTaskError,
  InvalidAsyncTaskOptionsError,
} from '../src/index.js';
import { TaskQueues } from '../src/queue/task-queues.js';
import { RunJournal, SleepTask } from '../../../test/support/sample-tasks.js';
import { TestDatabase } from '../../../test/support/test-database.js';
import { uniqueName } from '../../../test/support/test-environment.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { startTestNode, type TestNode } from '../../../test/support/test-node.js';

const NODE_NAME = Symbol('NODE_NAME');

/** Discovered by decorator; its constructor dependencies come from the host app's container. */
@Injectable()
@AsyncTaskFactory('sleep')
class SleepTaskFactory implements AsyncTaskFactory {
  constructor(
    private readonly journal: RunJournal,
    @Inject(NODE_NAME) private readonly node: string,
  ) {}

  createTask(params: string, record: AsyncTaskRecord) {
    return new SleepTask(params, record, this.journal, this.node);
  }

  getTaskType() {
    return 'sleep';
  }
}

/** Not decorated: registered through the `factories` option, found as the host's provider. */
@Injectable()
class PlainSleepFactory implements AsyncTaskFactory {
  constructor(private readonly journal: RunJournal) {}

  createTask(params: string, record: AsyncTaskRecord) {
    return new SleepTask(params, record, this.journal, 'plain');
  }

  getTaskType() {
    return 'sleep';
  }
}

/** Not a provider anywhere: the module instantiates it. */
class StandaloneEchoFactory implements AsyncTaskFactory {
  static journal: RunJournal;

  createTask(params: string, record: AsyncTaskRecord) {
    return new SleepTask('{}', record, StandaloneEchoFactory.journal, `standalone:${params}`);
  }

  getTaskType() {
    return 'standalone-echo';
  }
}

describe('library foundation (real Redis and MySQL)', () => {
  const database = new TestDatabase();
  const journal = new RunJournal();
  const nodes: TestNode[] = [];
  let prefix: string;

  const node = async (name: string, options: Record<string, unknown> = {}, factories: Provider[] = [SleepTaskFactory]) => {
    const started = await startTestNode(database, { prefix, nodeId: name, ...options }, [
      ...factories,
      { provide: RunJournal, useValue: journal },
      { provide: NODE_NAME, useValue: name },
    ]);
    nodes.push(started);
    return started;
  };
  const countRows = async () => {
    const [tasks] = await database.query('SELECT COUNT(*) AS n FROM async_task_record');
    const [logs] = await database.query('SELECT COUNT(*) AS n FROM async_task_log_record');
    return { tasks: Number(tasks.n), logs: Number(logs.n) };
  };

  beforeAll(() => database.create());
  afterAll(() => database.drop());
  beforeEach(() => {
    prefix = uniqueName('at');
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
  });

  it('runs a task of a decorated factory with injected dependencies to SUCCESS', async () => {
    const { manager } = await node('node-a');
    const submitted = await manager.submitAsyncTask({ name: 'nap', taskType: 'sleep', params: { ms: 50 }, uid: 7 });
    expect(submitted.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(submitted.status).toBe(AsyncTaskStatus.WAITING);

    const done = await manager.waitForExit(submitted.id, 10000);
    expect(done.status).toBe(AsyncTaskStatus.SUCCESS);
    expect(done.attempt).toBe(1);
    expect(done.executor).toBe('node-a');
    expect(done.uid).toBe('7');
    expect(done.startedAt!.getTime()).toBeLessThanOrEqual(done.finishedAt!.getTime());
    expect(journal.runs.filter((run) => run.taskId === submitted.id)).toEqual([
      expect.objectContaining({ node: 'node-a', end: expect.any(Number) }),
    ]);
  });

  it('ends a throwing task in FAILED with its reason and keeps the stack in its log', async () => {
    const { manager } = await node('node-a');
    const { id } = await manager.submitAsyncTask({ name: 'doomed', taskType: 'sleep', params: { fail: 'disk on fire' } });
    const done = await manager.waitForExit(id, 10000);
    expect(done.status).toBe(AsyncTaskStatus.FAILED);
    expect(done.failedReason).toBe('disk on fire');
    const [row] = await database.query('SELECT log FROM async_task_log_record WHERE task_id = ?', [id]);
    expect(row.log).toMatch(/^\[ERROR\]\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] Error: disk on fire\n\s+at /m);
  });

  it('leaves a task WAITING on nodes without its factory until a capable node starts', async () => {
    const incapable = await node('node-without-factory', {}, []);
    const { id } = await incapable.manager.submitAsyncTask({ name: 'needs sleep', taskType: 'sleep', params: { ms: 1 } });
    // The incapable node has no worker for the type, so the entry is untouched: nothing to wait on but time.
    const stillWaiting = await incapable.manager.waitForExit(id, 1500);
    // waitForExit says the wait timed out, and gives the record as it was then.
    expect(stillWaiting).toMatchObject({ timedOut: true, status: AsyncTaskStatus.WAITING, attempt: 0 });

    await node('node-with-factory');
    const done = await incapable.manager.waitForExit(id, 10000);
    expect(done).toMatchObject({ timedOut: false, status: AsyncTaskStatus.SUCCESS, executor: 'node-with-factory' });
  });

  it('never runs more than the CPU budget allows: maxLoad 100, overhead 60 → one at a time', async () => {
    const { manager } = await node('node-a', { maxLoad: 100 });
    const tasks = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        manager.submitAsyncTask({ name: `heavy ${i}`, taskType: 'sleep', params: { ms: 120 }, cpuOverhead: 60 }),
      ),
    );
    const ended = await Promise.all(tasks.map((task) => manager.waitForExit(task.id, 20000)));
    expect(ended.map((task) => task.status)).toEqual(tasks.map(() => AsyncTaskStatus.SUCCESS));
    const runs = journal.runs.filter((run) => tasks.some((task) => task.id === run.taskId)).sort((a, b) => a.start - b.start);
    expect(runs).toHaveLength(5);
    for (let i = 1; i < runs.length; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 1].end!);
  });

  it('runs a task larger than the budget alone on an idle node, and small ones side by side', async () => {
    const { manager } = await node('node-a', { maxLoad: 100 });
    const big = await manager.submitAsyncTask({ name: 'big', taskType: 'sleep', params: { ms: 100 }, cpuOverhead: 250 });
    const smalls = await Promise.all(
      [1, 2].map((i) => manager.submitAsyncTask({ name: `small ${i}`, taskType: 'sleep', params: { ms: 300 }, cpuOverhead: 40 })),
    );
    for (const task of [big, ...smalls]) expect((await manager.waitForExit(task.id, 20000)).status).toBe(AsyncTaskStatus.SUCCESS);
    const [bigRun] = journal.runs.filter((run) => run.taskId === big.id);
    const smallRuns = journal.runs.filter((run) => smalls.some((task) => task.id === run.taskId));
    for (const small of smallRuns) expect(small.end! <= bigRun.start || small.start >= bigRun.end!).toBe(true);
    // The two small ones (80 ≤ 100) overlapped.
    expect(Math.max(smallRuns[0].start, smallRuns[1].start)).toBeLessThan(Math.min(smallRuns[0].end!, smallRuns[1].end!));
  });

  it('drops a stale copy of the entry of a task it runs, and goes on receiving that type', async () => {
    const { app, manager } = await node('node-a', { maxLoad: 200 });
    const long = await manager.submitAsyncTask({ name: 'long', taskType: 'sleep', params: { ms: 4000 }, cpuOverhead: 100 });
    await waitFor('the long task to run', async () => (await manager.getTask(long.id)).status === AsyncTaskStatus.RUNNING || undefined);
    // What a republication racing with the claim leaves behind: an entry for the attempt already claimed.
    await app.get(TaskQueues, { strict: false }).publish('sleep', { taskId: long.id, attempt: 0, cpuOverhead: 100 }, 0, 0);
    const short = await manager.submitAsyncTask({ name: 'short', taskType: 'sleep', params: { ms: 10 }, cpuOverhead: 100 });
    const shortDone = await manager.waitForExit(short.id, 3000);
    expect(shortDone.status).toBe(AsyncTaskStatus.SUCCESS);
    expect((await manager.getTask(long.id)).status).toBe(AsyncTaskStatus.RUNNING);
    expect((await manager.waitForExit(long.id, 10000)).attempt).toBe(1);
    expect(journal.runs.filter((run) => run.taskId === long.id)).toHaveLength(1);
  });

  it('gives refused work to another node with room', async () => {
    const first = await node('node-a', { maxLoad: 100 });
    await node('node-b', { maxLoad: 100 });
    const tasks = await Promise.all(
      [1, 2].map((i) => first.manager.submitAsyncTask({ name: `t${i}`, taskType: 'sleep', params: { ms: 400 }, cpuOverhead: 80 })),
    );
    const ended = await Promise.all(tasks.map((task) => first.manager.waitForExit(task.id, 10000)));
    expect(new Set(ended.map((task) => task.executor))).toEqual(new Set(['node-a', 'node-b']));
  });

  it('rejects bad submissions with named errors and writes nothing', async () => {
    const { manager } = await node('node-a', { maxParamsBytes: 1024 });
    await manager.submitAsyncTask({ name: 'existing', taskType: 'sleep', id: 'taken-id', params: { ms: 1 } });
    await manager.waitForExit('taken-id', 10000);
    const before = await countRows();

    const cases: Array<[object, new (...args: any[]) => Error, RegExp]> = [
      [{ name: '', taskType: 'sleep' }, InvalidAsyncTaskError, /name must be a non-empty string/],
      [{ name: '   ', taskType: 'sleep' }, InvalidAsyncTaskError, /name/],
      [{ name: 'x', taskType: 'bad type!' }, InvalidAsyncTaskError, /taskType must be/],
      [{ name: 'x', taskType: '' }, InvalidAsyncTaskError, /taskType/],
      [{ name: 'x', taskType: 'sleep', params: 'x'.repeat(1025) }, InvalidAsyncTaskError, /params is 1025 bytes, more than the limit of 1024/],
      [{ name: 'x', taskType: 'sleep', cpuOverhead: -1 }, InvalidAsyncTaskError, /cpuOverhead must be an integer ≥ 0/],
      [{ name: 'x', taskType: 'sleep', cpuOverhead: 1.5 }, InvalidAsyncTaskError, /cpuOverhead/],
      [{ name: 'x', taskType: 'sleep', id: 'has space' }, InvalidAsyncTaskError, /id must be/],
      [{ name: 'x', taskType: 'sleep', priority: 5000 }, InvalidAsyncTaskError, /priority must be an integer from 0 to 1000/],
      [{ name: 'x', taskType: 'sleep', delayMs: -5 }, InvalidAsyncTaskError, /delayMs/],
      [{ name: 'x', taskType: 'sleep', id: 'taken-id' }, DuplicateTaskIdError, /"taken-id" already exists/],
    ];
    for (const [input, errorClass, message] of cases) {
      const attempt = manager.submitAsyncTask(input as never);
      await expect(attempt).rejects.toBeInstanceOf(errorClass);
      await expect(attempt).rejects.toThrow(message);
    }
    expect(await countRows()).toEqual(before);
    expect((await manager.getTask('taken-id')).name).toBe('existing');
  });

  it('cancels a queued task at once; it never runs', async () => {
    const api = await node('api-only', { worker: false });
    const cancelled = await api.manager.submitAsyncTask({ name: 'unwanted', taskType: 'sleep', params: { ms: 1 } });
    const result = await api.manager.interrupt(cancelled.id);
    expect(result).toEqual({ taskId: cancelled.id, outcome: 'cancelled', status: AsyncTaskStatus.CANCELLED });
    expect((await api.manager.getTask(cancelled.id)).status).toBe(AsyncTaskStatus.CANCELLED);

    // A task queued after it runs once a worker appears; the queue is FIFO, so the cancelled one had its turn first.
    const after = await api.manager.submitAsyncTask({ name: 'wanted', taskType: 'sleep', params: { ms: 1 } });
    await node('worker', { maxLoad: 100 });
    expect((await api.manager.waitForExit(after.id, 10000)).status).toBe(AsyncTaskStatus.SUCCESS);
    const final = await api.manager.getTask(cancelled.id);
    expect(final.status).toBe(AsyncTaskStatus.CANCELLED);
    expect(final.attempt).toBe(0);
    expect(journal.runs.some((run) => run.taskId === cancelled.id)).toBe(false);
    expect(await api.manager.interrupt(cancelled.id)).toEqual({
      taskId: cancelled.id,
      outcome: 'already-finished',
      status: AsyncTaskStatus.CANCELLED,
    });
  });

  it('finds, lists and pages tasks, and names unknown ids', async () => {
    const { manager } = await node('node-a', {}, []);
    for (let i = 0; i < 5; i++) await manager.submitAsyncTask({ name: `list ${i}`, taskType: 'sleep', uid: 'alice' });
    await manager.submitAsyncTask({ name: 'other', taskType: 'convert', uid: 'bob' });
    const page1 = await manager.listTasks({ uid: 'alice', page: 1, size: 2 });
    const page3 = await manager.listTasks({ uid: 'alice', page: 3, size: 2 });
    expect(page1.total).toBe(5);
    expect(page1.items.map((task) => task.name)).toEqual(['list 4', 'list 3']);
    expect(page3.items.map((task) => task.name)).toEqual(['list 0']);
    const bob = await manager.listTasks({ taskType: 'convert', status: AsyncTaskStatus.WAITING });
    expect(bob.items.map((task) => task.uid)).toEqual(['bob']);
    await expect(manager.getTask('no-such-task')).rejects.toThrow(/Async task "no-such-task" was not found/);
    await expect(manager.interrupt('no-such-task')).rejects.toThrow(/was not found/);
    await expect(manager.listTasks({ size: 0 })).rejects.toBeInstanceOf(InvalidAsyncTaskError);
  });

  it('registers factories from the module options and at run time', async () => {
    StandaloneEchoFactory.journal = journal;
    const fromOptions = await node('node-options', { factories: [PlainSleepFactory, StandaloneEchoFactory] }, [PlainSleepFactory]);
    const byOption = await fromOptions.manager.submitAsyncTask({ name: 'by option', taskType: 'sleep', params: { ms: 1 } });
    const standalone = await fromOptions.manager.submitAsyncTask({ name: 'standalone', taskType: 'standalone-echo', params: 'hi' });
    expect((await fromOptions.manager.waitForExit(byOption.id, 10000)).status).toBe(AsyncTaskStatus.SUCCESS);
    expect((await fromOptions.manager.waitForExit(standalone.id, 10000)).status).toBe(AsyncTaskStatus.SUCCESS);
    expect(journal.runs.find((run) => run.taskId === byOption.id)?.node).toBe('plain');
    expect(journal.runs.find((run) => run.taskId === standalone.id)?.node).toBe('standalone:hi');

    const runtime = await node('node-runtime', {}, []);
    const echo = await runtime.manager.submitAsyncTask({ name: 'echo', taskType: 'echo', params: 'hello' });
    runtime.manager.registerFactory({
      getTaskType: () => 'echo',
      createTask: (params, record) => new SleepTask('{}', record, journal, `runtime:${params}`),
    });
    expect((await runtime.manager.waitForExit(echo.id, 10000)).status).toBe(AsyncTaskStatus.SUCCESS);
    expect(journal.runs.find((run) => run.taskId === echo.id)?.node).toBe('runtime:hello');
  });

  it('refuses to start with two factories for one type, naming both', async () => {
    await expect(node('node-a', { factories: [PlainSleepFactory] })).rejects.toThrow(DuplicateTaskTypeError);
    await expect(node('node-b', { factories: [PlainSleepFactory] })).rejects.toThrow(
      /task type "sleep": SleepTaskFactory \(@AsyncTaskFactory\) and PlainSleepFactory \(factories option\)/,
    );
  });

  it('counts a factory that is both provided and listed in `factories` once', async () => {
    const both = await node('both-ways', { factories: [SleepTaskFactory] });
    const { id } = await both.manager.submitAsyncTask({ name: 'once', taskType: 'sleep', params: { ms: 1 } });
    expect((await both.manager.waitForExit(id, 10000)).status).toBe(AsyncTaskStatus.SUCCESS);
  });

  it('refuses to start with malformed options', async () => {
    await expect(node('node-a', { maxLoad: -1 })).rejects.toThrow(InvalidAsyncTaskOptionsError);
    await expect(node('node-a', { redis: 'http://nope' })).rejects.toThrow(/option "redis": must be a redis:\/\//);
    await expect(node('node-a', { prefix: 'has:colon' })).rejects.toThrow(/option "prefix"/);
  });

  it('runs nothing on an API-only node (worker: false)', async () => {
    const api = await node('api-only', { worker: false });
    const { id } = await api.manager.submitAsyncTask({ name: 'queued', taskType: 'sleep', params: { ms: 1 } });
    expect((await api.manager.waitForExit(id, 1000)).status).toBe(AsyncTaskStatus.WAITING);
    await node('worker-node');
    const done = await api.manager.waitForExit(id, 10000);
    expect(done.status).toBe(AsyncTaskStatus.SUCCESS);
    expect(done.executor).toBe('worker-node');
  });

  it('runs higher priority first and honours delays', async () => {
    const submitter = await node('submitter', { worker: false });
    const low = await submitter.manager.submitAsyncTask({ name: 'low', taskType: 'sleep', priority: 1, params: { ms: 1 } });
    const high = await submitter.manager.submitAsyncTask({ name: 'high', taskType: 'sleep', priority: 900, params: { ms: 1 } });
    const delayed = await submitter.manager.submitAsyncTask({ name: 'delayed', taskType: 'sleep', delayMs: 800, params: { ms: 1 } });
    await node('worker', { maxLoad: 100 }, [SleepTaskFactory]);
    const [lowDone, highDone, delayedDone] = await Promise.all(
      [low, high, delayed].map((task) => submitter.manager.waitForExit(task.id, 10000)),
    );
    expect(highDone.startedAt!.getTime()).toBeLessThanOrEqual(lowDone.startedAt!.getTime());
    expect(delayedDone.startedAt!.getTime() - delayed.createdAt.getTime()).toBeGreaterThanOrEqual(790);
  });
});
