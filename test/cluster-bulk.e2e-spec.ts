import { AsyncTaskStatus } from '@sfc/async-task';
import { ClusterFixture, FAST_FAILOVER, type TaskRun } from './support/cluster-fixture.js';
import { TestDatabase } from './support/test-database.js';
import { waitFor } from './support/wait-for.js';

/** Tasks in the call: enough that the submitting node is still writing them when it is killed. */
const TASKS = 5000;

// A bulk submission through a real node process killed for real in the middle of the call.
describe('cluster: a node killed with SIGKILL in the middle of a bulk submission', () => {
  const database = new TestDatabase();
  let cluster: ClusterFixture;

  beforeAll(async () => {
    await database.create();
    await ClusterFixture.prepare(database);
    cluster = new ClusterFixture(database);
  });
  afterAll(async () => {
    await cluster.stop();
    await database.drop();
  });

  it('leaves every task either saved and run exactly once, or not saved at all, and the caller without an answer', async () => {
    const [submitter] = await cluster.startNodes(['submitter'], { ...FAST_FAILOVER, worker: false });
    await cluster.startNodes(['worker-1'], { ...FAST_FAILOVER, maxLoad: 1600 });
    const ids = Array.from({ length: TASKS }, (_, i) => `mid-bulk-${i}`);
    const call = submitter
      .submitBulk(ids.map((id, i) => ({ id, name: `mid-bulk ${i}`, taskType: 'work', params: { ms: 0 }, cpuOverhead: 100 })))
      .then(() => 'answered', (error: Error) => error.message);
    const savedCount = async () => Number((await database.query("SELECT COUNT(*) AS n FROM async_task_record WHERE id LIKE 'mid-bulk-%'"))[0].n);
    await waitFor('a quarter of the call to be saved', async () => (await savedCount()) >= TASKS / 4, 30_000, 5);
    await submitter.kill();
    expect(await call).toMatch(/exited \(killed\) before it answered/);

    const saved: string[] = (await database.query("SELECT id FROM async_task_record WHERE id LIKE 'mid-bulk-%'")).map((row: { id: string }) => row.id);
    console.log(`killed mid-bulk: ${saved.length} of ${TASKS} tasks saved`);
    expect(saved.length).toBeGreaterThan(0);
    // Saved tasks whose queue entry the killed node never added are republished by the scan that
    // compares MySQL with the queues (tasks at least 5 s old; a node's first scan, then every minute):
    // a node that starts once they have settled finds them at once.
    await waitFor(
      'the saved tasks to settle',
      async () => Number((await database.query("SELECT COUNT(*) AS n FROM async_task_record WHERE id LIKE 'mid-bulk-%' AND created_at > NOW(3) - INTERVAL 6 SECOND"))[0].n) === 0,
      30_000,
      200,
    );
    await cluster.startNodes(['worker-2'], { ...FAST_FAILOVER, maxLoad: 1600 });
    await cluster.waitForCount(saved, AsyncTaskStatus.SUCCESS, saved.length, 90_000);

    const runs: TaskRun[] = await cluster.runs();
    const completedRuns = new Map<string, number>();
    for (const run of runs) completedRuns.set(run.task_id, (completedRuns.get(run.task_id) ?? 0) + (run.completed ? 1 : 0));
    const savedSet = new Set(saved);
    for (const id of ids) {
      // Saved: ran once and succeeded. Not saved: never ran.
      expect({ id, completedRuns: completedRuns.get(id) ?? 0 }).toEqual({ id, completedRuns: savedSet.has(id) ? 1 : 0 });
    }
    expect(runs.filter((run) => !savedSet.has(run.task_id))).toEqual([]);
    const [{ attempts }] = await database.query("SELECT MAX(attempt) AS attempts FROM async_task_record WHERE id LIKE 'mid-bulk-%'");
    expect(Number(attempts)).toBe(1);
  }, 180_000);
});
