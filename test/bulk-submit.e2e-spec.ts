import {
  AsyncTaskStatus,
  BulkSubmissionTooLargeError,
  type BulkSubmitAnswer,
  DuplicateTaskIdError,
  InvalidAsyncTaskError,
  MAX_BULK_SUBMIT_TASKS,
} from '@sfc/async-task';
import { RunJournal, SleepTaskFactory } from './support/sample-tasks.js';
import { TestDatabase } from './support/test-database.js';
import { uniqueName } from './support/test-environment.js';
import { startTestNode, type TestNode } from './support/test-node.js';
import { waitFor } from './support/wait-for.js';

const saved = (answers: BulkSubmitAnswer[]) => answers.flatMap((answer) => (answer.ok ? [answer.record] : []));
const refused = (answers: BulkSubmitAnswer[]) => answers.flatMap((answer, index) => (answer.ok ? [] : [{ index, error: answer.error }]));

/** submitAsyncTasks(): many tasks in one call, each with its own answer, against the real Redis and MySQL. */
describe('bulk submit (real Redis and MySQL)', () => {
  const database = new TestDatabase();
  const journal = new RunJournal();
  const prefix = uniqueName('bulk');
  let api: TestNode;
  let worker: TestNode | undefined;

  const rowsNamed = async (pattern: string) =>
    Number((await database.query('SELECT COUNT(*) AS n FROM async_task_record WHERE name LIKE ?', [pattern]))[0].n);

  beforeAll(async () => {
    await database.create();
    api = await startTestNode(database, { prefix, nodeId: 'api', worker: false }, [SleepTaskFactory, { provide: RunJournal, useValue: journal }]);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await database.drop();
  });

  it('runs 10,000 tasks submitted in one bulk call, each exactly once, none missing', async () => {
    const inputs = Array.from({ length: MAX_BULK_SUBMIT_TASKS }, (_, i) => ({ name: `ten-thousand ${i}`, taskType: 'sleep', cpuOverhead: 100 }));
    const answers = await api.manager.submitAsyncTasks(inputs);
    expect(refused(answers)).toEqual([]);
    const records = saved(answers);
    expect(records.map((record) => record.name)).toEqual(inputs.map((input) => input.name));
    expect(new Set(records.map((record) => record.id)).size).toBe(10_000);
    expect(await rowsNamed('ten-thousand %')).toBe(10_000);

    worker = await startTestNode(database, { prefix, nodeId: 'worker', maxLoad: 1600 }, [SleepTaskFactory, { provide: RunJournal, useValue: journal }]);
    await waitFor(
      'all 10,000 tasks to succeed',
      async () =>
        Number((await database.query("SELECT COUNT(*) AS n FROM async_task_record WHERE name LIKE 'ten-thousand %' AND status = ?", [AsyncTaskStatus.SUCCESS]))[0].n) === 10_000,
      120_000,
      250,
    );
    const ids = new Set(records.map((record) => record.id));
    const runs = journal.runs.filter((run) => ids.has(run.taskId));
    expect(runs).toHaveLength(10_000);
    expect(new Set(runs.map((run) => run.taskId)).size).toBe(10_000);
    const [{ attempts }] = await database.query("SELECT MAX(attempt) AS attempts FROM async_task_record WHERE name LIKE 'ten-thousand %'");
    expect(Number(attempts)).toBe(1);
    await worker.close();
    worker = undefined;
  }, 180_000);

  it('saves the other 99 of 100 when one id is taken, and keeps the first of an id given twice', async () => {
    await api.manager.submitAsyncTask({ name: 'first owner', taskType: 'sleep', id: 'bulk-taken' });
    const inputs = Array.from({ length: 100 }, (_, i) => ({ name: `hundred ${i}`, taskType: 'sleep', id: i === 42 ? 'bulk-taken' : `bulk-free-${i}` }));
    const answers = await api.manager.submitAsyncTasks(inputs);
    const refusals = refused(answers);
    expect(refusals).toHaveLength(1);
    expect(refusals[0].index).toBe(42);
    expect(refusals[0].error).toBeInstanceOf(DuplicateTaskIdError);
    expect(refusals[0].error.message).toContain('"bulk-taken" already exists');
    expect(await rowsNamed('hundred %')).toBe(99);
    expect((await api.manager.getTask('bulk-taken')).name).toBe('first owner');

    const twice = await api.manager.submitAsyncTasks([
      { name: 'twice a', taskType: 'sleep', id: 'bulk-twice' },
      { name: 'twice b', taskType: 'sleep', id: 'bulk-twice' },
    ]);
    expect(twice[0].ok).toBe(true);
    expect(twice[1].ok || twice[1].error).toBeInstanceOf(DuplicateTaskIdError);
    expect((await api.manager.getTask('bulk-twice')).name).toBe('twice a');
  });

  it('refuses a malformed task alone, naming it, and saves the good ones once', async () => {
    const answers = await api.manager.submitAsyncTasks([
      { name: 'mixed good 0', taskType: 'sleep' },
      { name: 'mixed bad 1', taskType: 'no spaces allowed' },
      { name: 'mixed good 2', taskType: 'sleep', params: { ms: 1 } },
      { name: '', taskType: 'sleep' },
    ]);
    expect(answers.map((answer) => answer.ok)).toEqual([true, false, true, false]);
    const [bad, empty] = refused(answers).map((refusal) => refusal.error as InvalidAsyncTaskError);
    expect(bad).toBeInstanceOf(InvalidAsyncTaskError);
    expect(bad.field).toBe('inputs[1].taskType');
    expect(bad.message).toContain('inputs[1].taskType must be 1–64 letters');
    expect(empty.field).toBe('inputs[3].name');
    expect(await rowsNamed('mixed good %')).toBe(2);
    expect(await rowsNamed('mixed bad %')).toBe(0);
  });

  it('refuses a whole call that is empty or over its limits, saving nothing', async () => {
    await expect(api.manager.submitAsyncTasks([])).rejects.toThrow(new InvalidAsyncTaskError('inputs', 'must hold at least one task'));
    await expect(api.manager.submitAsyncTasks('not a list' as never)).rejects.toBeInstanceOf(InvalidAsyncTaskError);

    const tooMany = Array.from({ length: MAX_BULK_SUBMIT_TASKS + 1 }, (_, i) => ({ name: `too-many ${i}`, taskType: 'sleep' }));
    const countError = await api.manager.submitAsyncTasks(tooMany).catch((error: unknown) => error);
    expect(countError).toBeInstanceOf(BulkSubmissionTooLargeError);
    expect((countError as BulkSubmissionTooLargeError).getStatus()).toBe(413);
    expect((countError as Error).message).toBe(
      `A bulk submission holds ${MAX_BULK_SUBMIT_TASKS + 1} tasks, more than the limit of ${MAX_BULK_SUBMIT_TASKS}; nothing was saved. Split it into several submitAsyncTasks() calls.`,
    );
    expect(await rowsNamed('too-many %')).toBe(0);

    // 300 tasks of 60 KiB params each: every one is under maxParamsBytes (64 KiB), together over 16 MiB.
    const params = 'x'.repeat(60 * 1024);
    const tooBig = Array.from({ length: 300 }, (_, i) => ({ name: `too-big ${i}`, taskType: 'sleep', params }));
    const bytesError = await api.manager.submitAsyncTasks(tooBig).catch((error: unknown) => error);
    expect(bytesError).toBeInstanceOf(BulkSubmissionTooLargeError);
    expect((bytesError as BulkSubmissionTooLargeError).limit).toBe('bytes');
    expect((bytesError as Error).message).toContain(`holds ${300 * 60 * 1024} bytes of params`);
    expect(await rowsNamed('too-big %')).toBe(0);
  });
});
