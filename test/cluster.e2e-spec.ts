import { AsyncTaskStatus } from '@sfc/async-task';
import { ClusterFixture, FAST_FAILOVER, freshClusterPerTest, type TaskRun } from './support/cluster-fixture.js';
import { TestDatabase } from './support/test-database.js';
import { redisTargets } from './support/test-environment.js';
import { waitFor } from './support/wait-for.js';

// Real node processes against the real Redis and MySQL, killed for real — on one Redis and on a
// Redis Cluster (3 masters + 3 replicas, started by the e2e global setup).
describe.each(redisTargets())('cluster: failover, shutdown and interrupts across node processes, on %s', (_deployment, redis) => {
  const database = new TestDatabase();
  let cluster: ClusterFixture;
  freshClusterPerTest(database, (fresh) => (cluster = fresh), redis);

  it('finishes 200 tasks exactly once through a kill -9 and a SIGTERM, with no overlapping runs', async () => {
    const [killed, terminated] = await cluster.startNodes(['node-1', 'node-2', 'node-3'], { ...FAST_FAILOVER, maxLoad: 200 });
    const { manager } = await cluster.startControl(FAST_FAILOVER);
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const ms = 100 + ((i * 137) % 1100);
      ids.push((await manager.submitAsyncTask({ name: `work ${i}`, taskType: 'work', params: { ms }, cpuOverhead: 25 })).id);
    }

    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 40, 60_000);
    await killed.kill();
    const killedAt = new Date();
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 80, 60_000);
    expect(await terminated.terminate()).toBe(0);
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 200, 120_000);

    const records = new Map<string, { attempt: number; executor: string }>(
      (await database.query('SELECT id, attempt, executor FROM async_task_record WHERE id IN (?)', [ids])).map((row: any) => [row.id, row]),
    );
    const record = (taskId: string) => records.get(taskId)!;
    const runs = await cluster.runs();
    const byTask = new Map<string, TaskRun[]>();
    for (const run of runs) byTask.set(run.task_id, [...(byTask.get(run.task_id) ?? []), run]);
    expect(byTask.size).toBe(200);
    for (const [taskId, taskRuns] of byTask) {
      // Exactly one recorded completion. The only other completed run allowed is one on the node killed
      // with -9 between the end of the work and the write of its result (at-least-once, by nature).
      const completions = taskRuns.filter((run) => run.completed && !(run.node === 'node-1' && run.attempt < record(taskId).attempt));
      expect({ taskId, runs: completions.map(({ node, attempt }) => ({ node, attempt })) }).toEqual({
        taskId,
        runs: [{ node: record(taskId).executor, attempt: record(taskId).attempt }],
      });
      for (let i = 1; i < taskRuns.length; i++) {
        const previousEnd = taskRuns[i - 1].ended_at ?? killedAt;
        expect(taskRuns[i].started_at.getTime()).toBeGreaterThanOrEqual(previousEnd.getTime());
      }
    }

    // The killed node's unfinished attempts ran again elsewhere and count as lost attempts.
    const lostToKill = runs.filter((run) => run.node === 'node-1' && !run.ended_at);
    expect(lostToKill.length).toBeGreaterThan(0);
    await expectRanAgainElsewhere(lostToKill, runs, 'node-1');
    const [{ offline }] = await database.query('SELECT MIN(offline_count) AS offline FROM async_task_record WHERE id IN (?)', [
      lostToKill.map((run) => run.task_id),
    ]);
    expect(Number(offline)).toBe(1);

    // The terminated node stopped its tasks, handed them over and saved their partial logs.
    const handedOver = runs.filter((run) => run.node === 'node-2' && !run.completed);
    expect(handedOver.length).toBeGreaterThan(0);
    await expectRanAgainElsewhere(handedOver, runs, 'node-2');
    for (const run of handedOver) {
      const [row] = await database.query('SELECT log FROM async_task_log_record WHERE task_id = ? AND attempt = ?', [run.task_id, run.attempt]);
      expect(row?.log).toContain('on node-2');
    }
  }, 240_000);

  it('counts an attempt lost with a killed node in offlineCount, not one handed over on SIGTERM; each attempt gets its own record', async () => {
    const [first] = await cluster.startNodes(['first'], FAST_FAILOVER);
    const { manager } = await cluster.startControl(FAST_FAILOVER);
    const { id } = await manager.submitAsyncTask({ name: 'long', taskType: 'work', params: { ms: 120_000 } });
    const runningOn = (attempt: number) =>
      waitFor(`attempt ${attempt} to run`, async () => {
        const task = await manager.getTask(id);
        return task.status === AsyncTaskStatus.RUNNING && task.attempt === attempt ? task : null;
      }, 20_000);
    await runningOn(1);
    const [second] = await cluster.startNodes(['second'], FAST_FAILOVER);
    expect(await first.terminate()).toBe(0); // graceful: handed over, not lost
    expect(await runningOn(2)).toMatchObject({ executor: 'second', offlineCount: 0 });
    await cluster.startNodes(['third'], FAST_FAILOVER);
    await second.kill(); // lost with its node
    expect(await runningOn(3)).toMatchObject({ executor: 'third', offlineCount: 1 });
    // createTask got the record of the attempt it started: the task journals record.attempt.
    const runs = await waitFor('the third run to be journaled', async () => {
      const ofTask = (await cluster.runs()).filter((run) => run.task_id === id);
      return ofTask.length === 3 ? ofTask : null;
    });
    expect(runs.map(({ node, attempt }) => ({ node, attempt }))).toEqual([
      { node: 'first', attempt: 1 },
      { node: 'second', attempt: 2 },
      { node: 'third', attempt: 3 },
    ]);
    await manager.interrupt(id);
    expect(await manager.waitForExit(id, 5000)).toMatchObject({ status: AsyncTaskStatus.CANCELLED, offlineCount: 1, timedOut: false });
  }, 60_000);

  // The interrupt is accepted (recorded) while the task is RUNNING, but its node is already dead and
  // never hears of it: the answer `interrupting` must still come true after failover.
  for (const { maxOfflineAttempts, after } of [
    { maxOfflineAttempts: 3, after: 'its next attempt on a survivor' },
    { maxOfflineAttempts: 1, after: 'failover gives up on it (maxOfflineAttempts reached)' },
  ]) {
    it(`ends in CANCELLED when the interrupt was accepted just after its node died, and ${after}`, async () => {
      const options = { ...FAST_FAILOVER, maxOfflineAttempts };
      const [doomed] = await cluster.startNodes(['doomed'], options);
      const { manager } = await cluster.startControl(options);
      const { id } = await manager.submitAsyncTask({ name: 'long', taskType: 'work', params: { ms: 120_000 } });
      await waitFor('the task to run', async () => (await manager.getTask(id)).status === AsyncTaskStatus.RUNNING, 20_000);
      await cluster.startNodes(['survivor'], options);
      await doomed.kill();
      expect(await manager.interrupt(id)).toEqual({ taskId: id, outcome: 'interrupting', status: AsyncTaskStatus.RUNNING });
      const done = await manager.waitForExit(id, 20_000);
      expect({ status: done.status, failedReason: done.failedReason, offlineCount: done.offlineCount }).toEqual({
        status: AsyncTaskStatus.CANCELLED,
        failedReason: null,
        offlineCount: 1, // the attempt lost with its node still counts
      });
    }, 60_000);
  }

  it('interrupts running tasks through a node that does not run them, each within a second', async () => {
    await cluster.startNodes(['runner'], { ...FAST_FAILOVER, maxLoad: 500 });
    const { manager } = await cluster.startControl(FAST_FAILOVER);
    const tasks = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => manager.submitAsyncTask({ name: `long ${i}`, taskType: 'work', params: { ms: 60_000 }, cpuOverhead: 10 })),
    );
    const ids = tasks.map((task) => task.id);
    await cluster.waitForCount(ids, AsyncTaskStatus.RUNNING, 5, 20_000);
    for (const id of ids) {
      const started = Date.now();
      expect((await manager.interrupt(id)).outcome).toBe('interrupting');
      const ended = await manager.waitForExit(id, 5000);
      expect(ended.status).toBe(AsyncTaskStatus.CANCELLED);
      expect(Date.now() - started).toBeLessThanOrEqual(1000);
    }
    const runs = await cluster.runs();
    for (const id of ids) expect(runs.filter((run) => run.task_id === id)).toEqual([expect.objectContaining({ completed: 0, ended_at: expect.any(Date) })]);
  });

  it('with default options, a task of a killed node runs again on a survivor within 10 s', async () => {
    const nodes = await cluster.startNodes(['default-1', 'default-2']);
    const { manager } = await cluster.startControl();
    const { id } = await manager.submitAsyncTask({ name: 'long', taskType: 'work', params: { ms: 120_000 } });
    const first = await waitFor('the task to run', async () => {
      const task = await manager.getTask(id);
      return task.status === AsyncTaskStatus.RUNNING ? task : null;
    });
    const victim = nodes.find((node) => node.nodeId === first.executor)!;
    await victim.kill();
    const killedAt = Date.now();
    const second = await waitFor(
      'the task to run again',
      async () => {
        const task = await manager.getTask(id);
        return task.status === AsyncTaskStatus.RUNNING && task.attempt === 2 ? task : null;
      },
      20_000,
    );
    const failoverMs = Date.now() - killedAt;
    expect(second.executor).not.toBe(victim.nodeId);
    expect(failoverMs).toBeLessThanOrEqual(10_000);
    await manager.interrupt(id);
    expect((await manager.waitForExit(id, 5000)).status).toBe(AsyncTaskStatus.CANCELLED);
  });
});

async function expectRanAgainElsewhere(lost: TaskRun[], runs: TaskRun[], node: string): Promise<void> {
  for (const run of lost) {
    const finisher = runs.find((other) => other.task_id === run.task_id && other.completed);
    expect(finisher?.node).not.toBe(node);
    expect(finisher!.attempt).toBeGreaterThan(run.attempt);
  }
}
