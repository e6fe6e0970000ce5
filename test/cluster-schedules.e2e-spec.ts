import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AsyncTaskStatus } from '@sfc/async-task';
import { ClusterFixture, FAST_FAILOVER } from './support/cluster-fixture.js';
import { TestDatabase } from './support/test-database.js';
import { waitFor } from './support/wait-for.js';

/** The longest a tick may wait for a node when the one that would fire it dies: a node timeout plus a scan. */
const FAILOVER_WINDOW_MS = FAST_FAILOVER.nodeTimeoutMs + FAST_FAILOVER.failoverIntervalMs;
/** Every node declares the same schedule, as one deployment would: each start upserts it again. */
const PULSE = { id: 'pulse', everyMs: 1000, taskType: 'work', params: { ms: 300 }, overlap: 'allow' as const };

describe('a schedule across a cluster of three node processes', () => {
  const database = new TestDatabase();
  let cluster: ClusterFixture;

  const pulseTasks = () =>
    database.query<Array<{ id: string; status: number }>>("SELECT id, status FROM async_task_record WHERE id LIKE 'pulse-at-%' ORDER BY id");
  const dueOf = (taskId: string) => Number(taskId.slice('pulse-at-'.length));

  beforeAll(async () => {
    await database.create();
    await ClusterFixture.prepare(database);
    cluster = new ClusterFixture(database);
  });

  afterAll(async () => {
    await cluster?.stop();
    await database.drop();
  });

  it('makes exactly one task per due time for 20 s while one node is SIGKILLed and another restarted, with no gap longer than the failover window', async () => {
    const options = { ...FAST_FAILOVER, schedules: [PULSE] };
    const [first, second] = await cluster.startNodes(['tick-1', 'tick-2', 'tick-3'], options);
    const firstTasks = await waitFor('the first ticks', async () => {
      const rows = await pulseTasks();
      return rows.length >= 4 ? rows : null;
    }, 15_000, 100);
    const start = dueOf(firstTasks[0].id);

    await first.kill(); // kill -9, mid-tick for all it knows
    await waitFor('ticks after the kill', async () => (await pulseTasks()).some((task) => dueOf(task.id) >= start + 8000), 20_000, 100);
    expect(await second.terminate()).toBe(0);
    const [restarted] = await cluster.startNodes(['tick-2'], options); // same id, same declared schedule
    const tasks = await waitFor('20 s of ticks', async () => {
      const rows = await pulseTasks();
      return rows.some((task) => dueOf(task.id) >= start + 20_000) ? rows : null;
    }, 30_000, 100);

    const dues = tasks.map((task) => dueOf(task.id)).filter((due) => due <= start + 20_000);
    const gaps = dues.slice(1).map((due, index) => due - dues[index]);
    // One task per due time (ids are distinct by construction; every due time is a whole second).
    expect(new Set(dues).size).toBe(dues.length);
    expect(dues.every((due) => due % 1000 === 0)).toBe(true);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(FAILOVER_WINDOW_MS);
    console.log(`pulse: ${dues.length} tasks over ${(dues.at(-1)! - dues[0]) / 1000} s, largest gap ${Math.max(...gaps)} ms, missing ticks ${(dues.at(-1)! - dues[0]) / 1000 + 1 - dues.length}`);

    // Each tick's task ran to its end once (a run cut by the kill was failed over, not duplicated).
    const ids = tasks.map((task) => task.id).filter((id) => dueOf(id) <= start + 20_000);
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, ids.length, 20_000);
    const completedRuns = (await cluster.runs()).filter((run) => ids.includes(run.task_id) && run.completed);
    expect(completedRuns.map((run) => run.task_id).sort()).toEqual([...ids].sort());

    // Every live node reads the same schedule.
    const third = cluster.processes.find((node) => node.nodeId === 'tick-3')!;
    const views = await Promise.all([third, restarted].map((node) => node.listSchedules()));
    const definition = (view: Array<Record<string, unknown>>) => view.map(({ id, everyMs, taskType, params, overlap, catchUp }) => ({ id, everyMs, taskType, params, overlap, catchUp }));
    expect(definition(views[0])).toEqual([{ id: 'pulse', everyMs: 1000, taskType: 'work', params: '{"ms":300}', overlap: 'allow', catchUp: 'none' }]);
    expect(definition(views[1])).toEqual(definition(views[0]));
    const nextDue = views.map((view) => Date.parse(view[0].nextDueAt as string));
    expect(Math.abs(nextDue[0] - nextDue[1])).toBeLessThanOrEqual(2000);
  });
});
