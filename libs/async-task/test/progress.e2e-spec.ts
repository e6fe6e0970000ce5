import { AsyncTaskNotFoundError, AsyncTaskStatus } from '../src/index.js';
import { ProgressStore } from '../src/progress/progress.store.js';
import { TaskGate, testTaskFactory } from '../../../test/support/log-tasks.js';
import { TestDatabase } from '../../../test/support/test-database.js';
import { uniqueName } from '../../../test/support/test-environment.js';
import { startTestNode, type TestNode } from '../../../test/support/test-node.js';
import { waitFor } from '../../../test/support/wait-for.js';

describe('task progress, from any node (real Redis and MySQL)', () => {
  const database = new TestDatabase();
  const gate = new TaskGate();
  const nodes: TestNode[] = [];
  let prefix: string;

  const node = async (name: string, worker = true) => {
    const factories = worker ? [testTaskFactory('steady', gate), testTaskFactory('talk', gate)] : [];
    const started = await startTestNode(database, { prefix, nodeId: name, worker, factories });
    nodes.push(started);
    return started;
  };

  beforeAll(() => database.create());
  afterAll(() => database.drop());
  beforeEach(() => {
    prefix = uniqueName('at');
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
  });

  it('reports the speed of a steady 1000 units/s task within 5 % through another node', async () => {
    await node('node-a');
    const { manager: b } = await node('node-b', false);
    const { id } = await b.submitAsyncTask({ name: 'steady', taskType: 'steady', params: { ms: 6000 } });

    // Two full sampling windows after the start, the speed is measured over a whole second.
    const progress = await waitFor('progress past 2.5 s of work', async () => {
      const read = await b.getProgress(id);
      return read && read.loaded >= 2500 ? read : undefined;
    });
    expect(progress.total).toBe(6000);
    expect(progress.speed).toBeGreaterThan(950);
    expect(progress.speed).toBeLessThan(1050);
    expect(progress.lastUpdateTime).toBeGreaterThan(Date.now() - 5000);

    expect((await b.waitForExit(id, 20000)).status).toBe(AsyncTaskStatus.SUCCESS);
    // The final sample is written when the attempt ends.
    expect(await b.getProgress(id)).toMatchObject({ total: 6000, loaded: 6000 });
  }, 40_000);

  it('says when each copy was sampled: fresh every second while a task runs, even one that reports nothing new', async () => {
    const { manager: b } = await node('node-b', false);
    await node('node-a');
    const { id } = await b.submitAsyncTask({ name: 'quiet', taskType: 'talk', params: { lines: 1 } });
    const first = await waitFor('a first sample', () => b.getProgress(id));
    expect(first.sampledAt).toBeGreaterThan(Date.now() - 2000);
    expect(first.sampledAt).toBeLessThanOrEqual(Date.now());
    // The task holds at the gate and changes nothing: its lastUpdateTime stays, the samples go on.
    const later = await waitFor('a later sample', async () => {
      const read = await b.getProgress(id);
      return read && read.sampledAt! > first.sampledAt! ? read : undefined;
    }, 5000);
    expect(later.sampledAt! - first.sampledAt!).toBeGreaterThanOrEqual(900);
    expect(later.lastUpdateTime).toBe(first.lastUpdateTime);
    expect(later.toJSON()).toEqual({ total: 0, loaded: 0, speed: 0, lastUpdateTime: first.lastUpdateTime, sampledAt: later.sampledAt });
    gate.release(id);
    const ended = await b.waitForExit(id, 10_000);
    // The last sample was taken at the end of the attempt, and ages from there.
    const final = await b.getProgress(id);
    expect(final!.sampledAt).toBeGreaterThanOrEqual(later.sampledAt!);
    expect(final!.sampledAt).toBeLessThanOrEqual(ended.finishedAt!.getTime() + 50);
  }, 30_000);

  it('returns a fresh copy on every read', async () => {
    await node('node-a');
    const { manager: b } = await node('node-b', false);
    const { id } = await b.submitAsyncTask({ name: 'steady', taskType: 'steady', params: { ms: 300 } });
    expect((await b.waitForExit(id, 20000)).status).toBe(AsyncTaskStatus.SUCCESS);

    const first = await b.getProgress(id);
    expect(first).toMatchObject({ total: 300, loaded: 300 });
    first!.setLoaded(-1).setTotal(-1);
    first!.speed = -1;
    const second = await b.getProgress(id);
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ total: 300, loaded: 300 });
    expect(second!.speed).toBeGreaterThanOrEqual(0);
  });

  it('is null for a task that never reported, and rejects unknown ids', async () => {
    const { manager } = await node('node-b', false);
    const { id } = await manager.submitAsyncTask({ name: 'unrunnable', taskType: 'nobody-runs-this', params: {} });
    expect(await manager.getProgress(id)).toBeNull();
    await expect(manager.getProgress('no-such-task')).rejects.toBeInstanceOf(AsyncTaskNotFoundError);
  });

  it('never lets an older attempt overwrite the progress of a newer one', async () => {
    const { app, manager } = await node('node-b', false);
    const { id } = await manager.submitAsyncTask({ name: 'fenced', taskType: 'nobody-runs-this', params: {} });
    const store = app.get(ProgressStore);
    const sample = (loaded: number) => ({ total: 100, loaded, speed: 1, lastUpdateTime: Date.now() });

    expect(await store.write(id, 2, sample(20))).toBe(true);
    expect(await store.write(id, 1, sample(90))).toBe(false);
    expect((await manager.getProgress(id))!.loaded).toBe(20);
    expect(await store.write(id, 2, sample(30))).toBe(true);
    expect(await store.write(id, 3, sample(5))).toBe(true);
    expect((await manager.getProgress(id))!.loaded).toBe(5);
  });
});
