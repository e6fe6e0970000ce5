import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AsyncTaskStatus,
  BaseAsyncTask,
  InvalidAsyncTaskOptionsError,
  InvalidScheduleError,
  ScheduleNotFoundError,
  type AsyncTaskLog,
  type AsyncTaskRecord,
} from '../src/index.js';
import { TestDatabase } from '../../../test/support/test-database.js';
import { uniqueName } from '../../../test/support/test-environment.js';
import { startTestNode, type TestNode } from '../../../test/support/test-node.js';
import { waitFor } from '../../../test/support/wait-for.js';

/** Ids of `hold` tasks allowed to end; a held one waits for its id here (or its signal). */
const released = new Set<string>();
const releaseWaiters = new Set<() => void>();

/** `tick`: logs its params and succeeds. `hold`: runs until the test releases it. */
class ScheduledTask extends BaseAsyncTask {
  constructor(params: string, private readonly record: AsyncTaskRecord) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, signal: AbortSignal): Promise<void> {
    log.info(`tick with ${this.params}`);
    if (this.record.taskType !== 'hold') return;
    while (!released.has(this.record.id) && !signal.aborted) await new Promise<void>((resolve) => releaseWaiters.add(resolve));
  }
}
const factory = (taskType: string) => ({ getTaskType: () => taskType, createTask: (params: string, record: AsyncTaskRecord) => new ScheduledTask(params, record) });
function release(taskId: string): void {
  released.add(taskId);
  for (const wake of releaseWaiters) wake();
  releaseWaiters.clear();
}

describe('schedules (one node)', () => {
  const database = new TestDatabase();
  const prefix = uniqueName('schedules');
  let node: TestNode;

  const tasksOf = (scheduleId: string) =>
    database.query<Array<{ id: string; name: string; params: string; uid: string; retries: number; status: number }>>(
      'SELECT id, name, params, uid, retries, status FROM async_task_record WHERE id LIKE ? ORDER BY id',
      [`${scheduleId}-at-%`],
    );
  const dueOf = (taskId: string) => Number(taskId.slice(taskId.lastIndexOf('-') + 1));
  const scheduleRow = async (id: string) => (await database.query<Array<{ next_due_at: Date; last_due_at: Date | null }>>('SELECT * FROM async_task_schedule WHERE id = ?', [id]))[0];

  beforeAll(async () => {
    await database.create();
    node = await startTestNode(database, { prefix, factories: [factory('tick'), factory('hold')] });
  });

  afterAll(async () => {
    for (const id of await database.query<Array<{ id: string }>>('SELECT id FROM async_task_record WHERE task_type = ?', ['hold'])) release(id.id);
    await node?.close();
    await database.drop();
  });

  it('turns every tick of an every-second schedule into one ordinary task whose id is (schedule, due time), carrying its task fields', async () => {
    const schedule = await node.manager.upsertSchedule({
      id: 'every-second', everyMs: 1000, taskType: 'tick', name: 'heartbeat report', params: { report: 'daily' }, uid: 'alice', retries: 2, overlap: 'allow',
    });
    expect(schedule).toMatchObject({ id: 'every-second', everyMs: 1000, cron: null, timezone: 'UTC', catchUp: 'none', overlap: 'allow', lastTaskStatus: null });
    expect(schedule.nextDueAt.getTime() % 1000).toBe(0);
    const tasks = await waitFor('three ended ticks', async () => {
      const rows = await tasksOf('every-second');
      return rows.filter((row) => row.status === AsyncTaskStatus.SUCCESS).length >= 3 ? rows : null;
    }, 15_000, 100);
    const dues = tasks.map((task) => dueOf(task.id));
    expect(dues[0]).toBe(schedule.nextDueAt.getTime());
    // One task per due time, no gap: consecutive seconds.
    expect(dues.slice(1).map((due, index) => due - dues[index])).toEqual(dues.slice(1).map(() => 1000));
    expect(tasks[0]).toMatchObject({ name: 'heartbeat report', params: '{"report":"daily"}', uid: 'alice', retries: 2 });
    await node.manager.removeSchedule('every-second');
  });

  it('rejects bad schedules with InvalidScheduleError naming the field, storing nothing and keeping an existing definition', async () => {
    await node.manager.upsertSchedule({ id: 'kept', cron: '0 3 * * *', timezone: 'Europe/Paris', taskType: 'tick' });
    const bad = [
      { id: 'kept', cron: 'every day at 3', taskType: 'tick' },
      { id: 'kept', cron: '0 3 * * *', timezone: 'Europe/Atlantis', taskType: 'tick' },
      { id: 'kept', everyMs: 500, taskType: 'tick' },
      { id: 'kept', everyMs: 5000, cron: '0 3 * * *', taskType: 'tick' },
      { id: 'kept', taskType: 'tick' },
      { id: 'fresh', everyMs: 5000, taskType: 'no spaces' },
    ];
    for (const input of bad) await expect(node.manager.upsertSchedule(input)).rejects.toBeInstanceOf(InvalidScheduleError);
    await expect(node.manager.upsertSchedule({ id: 'kept', everyMs: 500, taskType: 'tick' })).rejects.toThrow(
      'Invalid schedule: everyMs must be an integer from 1000 to 31622400000, got 500.',
    );
    const rows = await database.query<Array<{ id: string; cron: string; timezone: string }>>('SELECT id, cron, timezone FROM async_task_schedule');
    expect(rows).toEqual([{ id: 'kept', cron: '0 3 * * *', timezone: 'Europe/Paris' }]);
    await expect(node.manager.removeSchedule('nope')).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await expect(node.manager.getSchedule('nope')).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await node.manager.removeSchedule('kept');
  });

  it('replaces a definition in place: the same timing keeps the next due time, a new timing starts afresh', async () => {
    const first = await node.manager.upsertSchedule({ id: 'nightly', cron: '0 3 * * *', timezone: 'Asia/Tokyo', taskType: 'tick', params: 'v1' });
    expect(first.nextDueAt.toISOString()).toMatch(/T18:00:00\.000Z$/); // 03:00 in Tokyo (UTC+9)
    await database.query('UPDATE async_task_schedule SET next_due_at = ? WHERE id = ?', [new Date('2030-01-01T18:00:00Z'), 'nightly']);
    const sameTiming = await node.manager.upsertSchedule({ id: 'nightly', cron: '0 3 * * *', timezone: 'Asia/Tokyo', taskType: 'tick', params: 'v2', priority: 7 });
    expect(sameTiming).toMatchObject({ params: 'v2', priority: 7 });
    expect(sameTiming.nextDueAt.toISOString()).toBe('2030-01-01T18:00:00.000Z');
    const newTiming = await node.manager.upsertSchedule({ id: 'nightly', cron: '0 3 * * *', timezone: 'UTC', taskType: 'tick', params: 'v3' });
    expect(newTiming.nextDueAt.toISOString()).toMatch(/T03:00:00\.000Z$/);
    expect(newTiming.nextDueAt.getTime()).toBeLessThan(Date.now() + 24 * 3_600_000 + 1000);
    expect((await node.manager.listSchedules()).map((schedule) => [schedule.id, schedule.params, schedule.timezone])).toEqual([['nightly', 'v3', 'UTC']]);
    await node.manager.removeSchedule('nightly');
  });

  it('catchUp: after years without a node, "none" fires nothing and "last" runs only the latest missed tick, once', async () => {
    for (const catchUp of ['none', 'last'] as const) {
      await node.manager.upsertSchedule({ id: `yearly-${catchUp}`, cron: '0 0 1 1 *', taskType: 'tick', catchUp });
    }
    // As if no node had been up since 2020: the row still points at the 2020 tick.
    await database.query("UPDATE async_task_schedule SET next_due_at = '2020-01-01 00:00:00.000' WHERE id LIKE 'yearly-%'");
    const thisYear = new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1));
    await waitFor('both schedules moved on', async () => (await Promise.all(['none', 'last'].map((c) => scheduleRow(`yearly-${c}`)))).every((row) => row.next_due_at > new Date()), 10_000, 100);
    expect(await tasksOf('yearly-none')).toEqual([]);
    const caughtUp = await tasksOf('yearly-last');
    expect(caughtUp.map((task) => task.id)).toEqual([`yearly-last-at-${thisYear.getTime()}`]);
    const [last] = (await node.manager.listSchedules()).filter((schedule) => schedule.id === 'yearly-last');
    expect(last.lastTaskId).toBe(caughtUp[0].id);
    await waitFor('the caught-up tick ended', async () => (await node.manager.getSchedule('yearly-last')).lastTaskStatus === AsyncTaskStatus.SUCCESS, 10_000, 100);
    await node.manager.removeSchedule('yearly-none');
    await node.manager.removeSchedule('yearly-last');
  });

  it('a tick whose task was submitted by a node that died before moving the schedule on is finished by another node, without a second task', async () => {
    await node.manager.upsertSchedule({ id: 'half-fired', cron: '0 0 1 1 *', taskType: 'tick' });
    // The dead node's half: the tick due a second ago has its task, but the schedule still points at it.
    const dueAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
    const taskId = `half-fired-at-${dueAt.getTime()}`;
    await node.manager.submitAsyncTask({ id: taskId, name: 'half-fired', taskType: 'tick' });
    await database.query('UPDATE async_task_schedule SET next_due_at = ? WHERE id = ?', [dueAt, 'half-fired']);
    await waitFor('the schedule moved on', async () => (await scheduleRow('half-fired')).next_due_at > new Date(), 10_000, 100);
    expect((await tasksOf('half-fired')).map((task) => task.id)).toEqual([taskId]);
    expect((await node.manager.getSchedule('half-fired')).lastTaskId).toBe(taskId);
    await node.manager.removeSchedule('half-fired');
  });

  it('overlap "skip" drops ticks while the previous run is still running; "allow" runs them alongside', async () => {
    await node.manager.upsertSchedule({ id: 'skip', everyMs: 1000, taskType: 'hold', overlap: 'skip' });
    await node.manager.upsertSchedule({ id: 'allow', everyMs: 1000, taskType: 'hold', overlap: 'allow' });
    const [firstSkip] = await waitFor('the first skip tick', async () => {
      const rows = await tasksOf('skip');
      return rows.length > 0 ? rows : null;
    }, 10_000, 100);
    const heldSince = (await scheduleRow('skip')).next_due_at.getTime();
    // Two more due times pass while the first run holds.
    await waitFor('two more due times passed', async () => (await scheduleRow('skip')).next_due_at.getTime() >= heldSince + 2000, 10_000, 100);
    expect((await tasksOf('skip')).map((task) => task.id)).toEqual([firstSkip.id]);
    const allowed = await waitFor('overlapping allow runs', async () => {
      const rows = await tasksOf('allow');
      return rows.filter((row) => row.status === AsyncTaskStatus.RUNNING).length >= 2 ? rows : null;
    }, 10_000, 100);
    expect(allowed.length).toBeGreaterThanOrEqual(2);
    await node.manager.removeSchedule('allow');
    // Once the held run ends, the next tick runs again.
    release(firstSkip.id);
    const next = await waitFor('a tick after the run ended', async () => (await tasksOf('skip')).find((task) => task.id !== firstSkip.id), 10_000, 100);
    expect(dueOf(next.id)).toBeGreaterThan(dueOf(firstSkip.id) + 1000);
    await node.manager.removeSchedule('skip');
    for (const task of [...allowed, next]) release(task.id);
  });

  it('upserts the schedules declared in the options at every start, without moving their next due time', async () => {
    const declared = { id: 'declared', cron: '15 4 * * 1', timezone: 'America/New_York', taskType: 'tick', params: 'from options' };
    const second = await startTestNode(database, { prefix, nodeId: 'declaring', worker: false, schedules: [declared] });
    const stored = await second.manager.getSchedule('declared');
    expect(stored).toMatchObject({ cron: '15 4 * * 1', timezone: 'America/New_York', params: 'from options' });
    await second.close();
    const again = await startTestNode(database, { prefix, nodeId: 'declaring-again', worker: false, schedules: [declared] });
    expect((await again.manager.getSchedule('declared')).nextDueAt).toEqual(stored.nextDueAt);
    await again.close();
    await expect(startTestNode(database, { prefix, worker: false, schedules: [{ ...declared, cron: '0 25 * * *' }] })).rejects.toThrow(InvalidAsyncTaskOptionsError);
    await expect(startTestNode(database, { prefix, worker: false, schedules: [{ ...declared, cron: '0 25 * * *' }] })).rejects.toThrow(/"schedules\[0\]\.cron"/);
    await node.manager.removeSchedule('declared');
  });
});
