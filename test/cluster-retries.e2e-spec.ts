import type { Readable } from 'node:stream';
import { AsyncTaskStatus } from '@sfc/async-task';
import { ClusterFixture, FAST_FAILOVER, freshClusterPerTest, type TaskRun } from './support/cluster-fixture.js';
import { TestDatabase } from './support/test-database.js';
import { waitFor } from './support/wait-for.js';

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

/** Each run starts after the previous one ended (a run cut short by SIGKILL never ended: it ended at the kill). */
function expectNoOverlap(runs: TaskRun[], killedAt: Date): void {
  for (let i = 1; i < runs.length; i++) {
    expect(runs[i].started_at.getTime()).toBeGreaterThanOrEqual((runs[i - 1].ended_at ?? killedAt).getTime());
  }
}

// Retries across real node processes, with the node of an attempt killed for real (SIGKILL).
describe('cluster: retries across node processes killed with SIGKILL', () => {
  const database = new TestDatabase();
  let cluster: ClusterFixture;
  freshClusterPerTest(database, (fresh) => (cluster = fresh));

  const runsOf = async (id: string) => (await cluster.runs()).filter((run) => run.task_id === id);
  const finalWrites = async (id: string) =>
    (await database.query<Array<{ status: number; attempt: number; retry_count: number; offline_count: number; finished_at: Date | null }>>(
      'SELECT status, attempt, retry_count, offline_count, finished_at FROM async_task_record WHERE id = ?',
      [id],
    ))[0];

  it('retries on a survivor when the node that ran the first attempt is killed during the backoff', async () => {
    const nodes = await cluster.startNodes(['retry-1', 'retry-2'], FAST_FAILOVER);
    const { manager } = await cluster.startControl(FAST_FAILOVER);
    const { id } = await manager.submitAsyncTask({
      name: 'fails once', taskType: 'work', params: { ms: 300, failures: 1 }, retries: 2, backoff: { type: 'fixed', delayMs: 3000 },
    });
    const waiting = await waitFor('the first attempt to fail into its backoff', async () => {
      const record = await manager.getTask(id);
      return record.status === AsyncTaskStatus.WAITING && record.retryCount === 1 ? record : undefined;
    });
    const first = nodes.find((node) => node.nodeId === waiting.executor)!;
    const survivor = nodes.find((node) => node !== first)!;
    await first.kill();
    const killedAt = new Date();

    const record = await manager.waitForExit(id, 30_000);
    expect(record).toMatchObject({ status: AsyncTaskStatus.SUCCESS, attempt: 2, retryCount: 1, offlineCount: 0, executor: survivor.nodeId });
    const runs = await runsOf(id);
    expect(runs.map(({ node, attempt, completed }) => ({ node, attempt, completed }))).toEqual([
      { node: first.nodeId, attempt: 1, completed: 0 },
      { node: survivor.nodeId, attempt: 2, completed: 1 },
    ]);
    expectNoOverlap(runs, killedAt);
    // The retry waited out its backoff after the failure, though its first node was gone.
    expect(runs[1].started_at.getTime() - runs[0].ended_at!.getTime()).toBeGreaterThanOrEqual(3000 - 50);
    const log = await readAll(await manager.getTaskLog(id));
    expect(log.match(/^===== attempt \d+ on [^,]+/gm)).toEqual([`===== attempt 1 on ${first.nodeId}`, `===== attempt 2 on ${survivor.nodeId}`]);
    expect(log).toMatch(new RegExp(`^===== attempt 2 on ${survivor.nodeId}, started [^,]+, retry 1 of 2 after 3\\.0 s backoff: work failed on attempt 1 on ${first.nodeId} =====$`, 'm'));
    // Exactly one final write, and it stays: no stale attempt overwrites it later.
    const written = await finalWrites(id);
    await waitFor('several failover scans to pass', async () => Date.now() - killedAt.getTime() > 4 * FAST_FAILOVER.failoverIntervalMs + FAST_FAILOVER.nodeTimeoutMs);
    expect(await finalWrites(id)).toEqual(written);
  }, 60_000);

  it('a retry attempt lost with its node fails over without using a retry, and the task ends once', async () => {
    const nodes = await cluster.startNodes(['lost-1', 'lost-2'], FAST_FAILOVER);
    const { manager } = await cluster.startControl(FAST_FAILOVER);
    // Attempt 1 fails after 200 ms; attempt 2 (the retry) works for 20 s: long enough to kill its node mid-run.
    const { id } = await manager.submitAsyncTask({
      name: 'fails once, then long', taskType: 'work', params: { ms: 20_000, failures: 1, failMs: 200 }, retries: 1, backoff: { type: 'fixed', delayMs: 100 },
    });
    const running = await waitFor('the retry to run', async () => {
      const record = await manager.getTask(id);
      return record.status === AsyncTaskStatus.RUNNING && record.attempt === 2 ? record : undefined;
    });
    const victim = nodes.find((node) => node.nodeId === running.executor)!;
    await waitFor('the retry to have started working', async () => (await runsOf(id)).some((run) => run.attempt === 2));
    await waitFor('its live log to show it', async () => (await readAll(await manager.getTaskLog(id))).includes('step 0 of 20000'));
    await victim.kill();
    const killedAt = new Date();

    const record = await manager.waitForExit(id, 60_000);
    const survivor = nodes.find((node) => node !== victim)!;
    expect(record).toMatchObject({ status: AsyncTaskStatus.SUCCESS, attempt: 3, retryCount: 1, offlineCount: 1, executor: survivor.nodeId });
    const runs = await runsOf(id);
    expect(runs.map(({ attempt, completed }) => ({ attempt, completed }))).toEqual([
      { attempt: 1, completed: 0 },
      { attempt: 2, completed: 0 },
      { attempt: 3, completed: 1 },
    ]);
    expect(runs[2].node).toBe(survivor.nodeId);
    expectNoOverlap(runs, killedAt);
    const log = await readAll(await manager.getTaskLog(id));
    // Attempt 2's partial log was kept from its live stream, under a header that still says why it ran.
    expect(log).toMatch(/^===== attempt 2 on [^,]+, started [^,]+, retry 1 of 1 after 0\.1 s backoff: work failed on attempt 1 on [\w-]+ =====$/m);
    expect(log).toMatch(new RegExp(`^===== attempt 3 on ${survivor.nodeId}, started [^,]+, after failover =====$`, 'm'));
  }, 90_000);
});
