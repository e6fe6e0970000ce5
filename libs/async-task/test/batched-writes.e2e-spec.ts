import {
  AsyncTaskStatus,
  DuplicateTaskIdError,
} from '../src/index.js';
import { TaskRecordBatchStore } from '../src/persistence/task-record.batch-store.js';
import { TaskRecordStore } from '../src/persistence/task-record.store.js';
import { RunJournal, SleepTaskFactory } from '../../../test/support/sample-tasks.js';
import { TestDatabase } from '../../../test/support/test-database.js';
import { uniqueName } from '../../../test/support/test-environment.js';
import { startTestNode, type TestNode } from '../../../test/support/test-node.js';

/**
 * Insert, claim and finish are written for many tasks per statement when calls overlap. These tests
 * check that each caller still gets its own, exact answer from the real MySQL.
 */
describe('batched lifecycle writes (real Redis and MySQL)', () => {
  const database = new TestDatabase();
  const journal = new RunJournal();
  const nodes: TestNode[] = [];

  const node = async (name: string, options: Record<string, unknown> = {}) => {
    const started = await startTestNode(database, { prefix: uniqueName('bw'), nodeId: name, ...options }, [
      SleepTaskFactory,
      { provide: RunJournal, useValue: journal },
    ]);
    nodes.push(started);
    return started;
  };
  const statusOf = async (id: string) => (await database.query('SELECT status, attempt, executor, failed_reason FROM async_task_record WHERE id = ?', [id]))[0];

  beforeAll(() => database.create());
  afterAll(() => database.drop());
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
  });

  it('fails only the submission with a taken id when it is submitted together with others', async () => {
    const { manager } = await node('api', { worker: false });
    await manager.submitAsyncTask({ name: 'first', taskType: 'sleep', id: 'taken' });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        manager.submitAsyncTask({ name: `batch ${i}`, taskType: 'sleep', id: i === 17 ? 'taken' : `free-${i}` }),
      ),
    );
    const rejected = results.flatMap((result, i) => (result.status === 'rejected' ? [[i, result.reason]] : []));
    expect(rejected).toHaveLength(1);
    expect(rejected[0][0]).toBe(17);
    expect(rejected[0][1]).toBeInstanceOf(DuplicateTaskIdError);
    const [{ n }] = await database.query("SELECT COUNT(*) AS n FROM async_task_record WHERE id LIKE 'free-%' AND status = 0");
    expect(Number(n)).toBe(39);
    expect((await manager.getTask('taken')).name).toBe('first');
  });

  it('runs 300 tasks submitted at once, each exactly once, to SUCCESS', async () => {
    const { manager } = await node('worker', { maxLoad: 1600 });
    const tasks = await Promise.all(
      Array.from({ length: 300 }, (_, i) => manager.submitAsyncTask({ name: `quick ${i}`, taskType: 'sleep', params: { ms: i % 3 }, cpuOverhead: 100 })),
    );
    const ended = await Promise.all(tasks.map((task) => manager.waitForExit(task.id, 30000)));
    expect(ended.filter((task) => task.status === AsyncTaskStatus.SUCCESS && task.attempt === 1)).toHaveLength(300);
    const runs = journal.runs.filter((run) => tasks.some((task) => task.id === run.taskId));
    expect(runs).toHaveLength(300);
    expect(new Set(runs.map((run) => run.taskId)).size).toBe(300);
  });

  it('answers each claim of a batch on its own: cancelled and already claimed ones are not claimed', async () => {
    const { app, manager } = await node('api', { worker: false });
    const batch = app.get(TaskRecordBatchStore, { strict: false });
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map(async (name) => (await manager.submitAsyncTask({ name, taskType: 'sleep' })).id));
    await manager.interrupt(ids[1]);
    expect(await batch.claimMany([{ id: ids[2], attempt: 0 }], 'other-node', new Date())).toEqual([true]);

    const at = new Date();
    const claims = ids.map((id) => ({ id, attempt: 0 }));
    expect(await batch.claimMany(claims, 'this-node', at)).toEqual([true, false, false, true]);
    // A retry of a batch whose answer was lost: the rows it wrote are recognised as its own.
    expect(await batch.claimMany(claims, 'this-node', at)).toEqual([true, false, false, true]);
    expect(await statusOf(ids[0])).toMatchObject({ status: AsyncTaskStatus.RUNNING, attempt: 1, executor: 'this-node' });
    expect(await statusOf(ids[1])).toMatchObject({ status: AsyncTaskStatus.CANCELLED, attempt: 0 });
    expect(await statusOf(ids[2])).toMatchObject({ status: AsyncTaskStatus.RUNNING, attempt: 1, executor: 'other-node' });
  });

  it('answers each end of a batch on its own, with its own failure reason; a taken-over attempt is not written; an accepted interrupt wins', async () => {
    const { app, manager } = await node('api', { worker: false });
    const batch = app.get(TaskRecordBatchStore, { strict: false });
    const records = app.get(TaskRecordStore, { strict: false });
    const names = ['ok', 'bad', 'lost', 'given up', 'interrupted ok', 'interrupted bad'];
    const ids = await Promise.all(names.map(async (name) => (await manager.submitAsyncTask({ name, taskType: 'sleep' })).id));
    expect(await batch.claimMany(ids.map((id) => ({ id, attempt: 0 })), 'this-node', new Date())).toEqual(ids.map(() => true));
    // The failover scan took the third attempt away (RUNNING → OFFLINE), and failed the fourth for good (RUNNING → FAILED),
    // before their ends were written.
    expect(await records.markOffline(ids[2], 1, true)).toBe(true);
    expect(await records.failLost(ids[3], 1, 'its nodes kept dying')).toBe(true);
    // A user interrupt was accepted for the last two while they were finishing.
    expect(await records.requestInterrupt(ids[4], 1)).toBe(true);
    expect(await records.requestInterrupt(ids[5], 1)).toBe(true);
    // Only while that attempt runs: not for an ended task, nor for an older attempt.
    expect(await records.requestInterrupt(ids[3], 1)).toBe(false);
    expect(await records.requestInterrupt(ids[0], 0)).toBe(false);

    const ends = [
      { id: ids[0], attempt: 1, status: AsyncTaskStatus.SUCCESS, failedReason: null },
      { id: ids[1], attempt: 1, status: AsyncTaskStatus.FAILED, failedReason: "disk on fire, it's bad" },
      { id: ids[2], attempt: 1, status: AsyncTaskStatus.SUCCESS, failedReason: null },
      { id: ids[3], attempt: 1, status: AsyncTaskStatus.FAILED, failedReason: 'out of memory' },
      { id: ids[4], attempt: 1, status: AsyncTaskStatus.SUCCESS, failedReason: null },
      { id: ids[5], attempt: 1, status: AsyncTaskStatus.FAILED, failedReason: 'late failure' },
    ];
    const answers = [AsyncTaskStatus.SUCCESS, AsyncTaskStatus.FAILED, null, null, AsyncTaskStatus.CANCELLED, AsyncTaskStatus.CANCELLED];
    expect(await batch.finishMany(ends)).toEqual(answers);
    // A retry of a batch whose answer was lost recognises what it wrote.
    expect(await batch.finishMany(ends)).toEqual(answers);
    expect(await statusOf(ids[3])).toMatchObject({ status: AsyncTaskStatus.FAILED, failed_reason: 'its nodes kept dying' });
    expect(await statusOf(ids[0])).toMatchObject({ status: AsyncTaskStatus.SUCCESS, failed_reason: null });
    expect(await statusOf(ids[1])).toMatchObject({ status: AsyncTaskStatus.FAILED, failed_reason: "disk on fire, it's bad" });
    expect(await statusOf(ids[2])).toMatchObject({ status: AsyncTaskStatus.OFFLINE, attempt: 1 });
    expect(await statusOf(ids[4])).toMatchObject({ status: AsyncTaskStatus.CANCELLED, failed_reason: null });
    expect(await statusOf(ids[5])).toMatchObject({ status: AsyncTaskStatus.CANCELLED, failed_reason: null });
    // What a user sees: the interrupt was answered `already-finished` with the status that was recorded.
    expect(await manager.interrupt(ids[4])).toEqual({ taskId: ids[4], outcome: 'already-finished', status: AsyncTaskStatus.CANCELLED });
  });
});
