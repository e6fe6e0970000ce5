import type { Readable } from 'node:stream';
import { AsyncTaskStatus, isFinalStatus } from '@sfc/async-task';
import { ClusterFixture, FAST_FAILOVER } from './support/cluster-fixture.js';
import { RedisServerProcess } from './support/redis-server-process.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { TestDatabase } from './support/test-database.js';
import { waitFor } from './support/wait-for.js';

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

// What the cluster survives: Redis restarting empty, MySQL going away, busy nodes, deadly tasks.
describe('cluster resilience', () => {
  const database = new TestDatabase();
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    await database.create();
    await ClusterFixture.prepare(database);
  });
  afterAll(() => database.drop());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('completes every task when Redis restarts empty mid-run (MySQL is the source of truth)', async () => {
    const redis = await RedisServerProcess.start();
    cleanups.push(() => redis.kill());
    const cluster = new ClusterFixture(database, redis.url);
    cleanups.push(() => cluster.stop());
    await cluster.startNodes(['redis-1', 'redis-2'], { ...FAST_FAILOVER, maxLoad: 100 });
    const { manager } = await cluster.startControl(FAST_FAILOVER);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push((await manager.submitAsyncTask({ name: `r${i}`, taskType: 'work', params: { ms: 300 + (i % 5) * 100 }, cpuOverhead: 25 })).id);
    }
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 8, 30_000);
    await redis.kill();
    await redis.start(); // same port, no data: queues, heartbeats and live state are gone
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 40, 90_000);
    const runs = await cluster.runs();
    for (const id of ids) expect(runs.filter((run) => run.task_id === id && run.completed)).toHaveLength(1);
  }, 150_000);

  it('reports a Redis outage through the Nest logger, one line per connection, queue and worker per 10 s', async () => {
    const redis = await RedisServerProcess.start();
    cleanups.push(() => redis.kill());
    const cluster = new ClusterFixture(database, redis.url);
    cleanups.push(() => cluster.stop());
    const [node] = await cluster.startNodes(['outage'], FAST_FAILOVER);
    const succeeded = (id: string) => async () =>
      (await database.query('SELECT status FROM async_task_record WHERE id = ?', [id]))[0]?.status === AsyncTaskStatus.SUCCESS;
    // Submitting through the node opens its BullMQ queue of that type.
    const before = await node.submit({ name: 'before', taskType: 'work', params: { ms: 50 } });
    await waitFor('the task before the outage to succeed', succeeded(before), 20_000);
    await redis.kill();
    const outageEnds = Date.now() + 5000;
    await waitFor('the outage to last 5 s', () => Date.now() >= outageEnds, 10_000, 100);
    await redis.start();
    const after = await node.submit({ name: 'after', taskType: 'work', params: { ms: 50 } });
    await waitFor('the task after the outage to succeed', succeeded(after), 30_000);

    const output = node.output;
    // Nothing printed around the logger (BullMQ's console.error prints the error with its stack).
    expect(output).not.toMatch(/^\s+at /m);
    const errorLines = output.split('\n').filter((line) => /ECONNREFUSED/.test(line));
    expect(errorLines.filter((line) => !/\[Nest\].*WARN/.test(line))).toEqual([]);
    const perSource = new Map<string, number>();
    for (const line of errorLines) {
      const source = /(Redis \([^)]+\)|BullMQ queue "[^"]+"|Receiver of "[^"]+"): /.exec(line)?.[1] ?? line;
      perSource.set(source, (perSource.get(source) ?? 0) + 1);
    }
    expect(perSource.get('BullMQ queue "work"')).toBe(1);
    expect(perSource.get('Redis (commands)')).toBe(1);
    // Each source spoke once in the 5 s outage, however often it retried.
    expect([...perSource].filter(([, lines]) => lines > 1)).toEqual([]);
  }, 90_000);

  it('retries status writes through a MySQL outage and loses nothing', async () => {
    const proxy = new TcpProxy('127.0.0.1', 3306);
    const port = await proxy.listen();
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(database.url);
    viaProxy.port = String(port);
    const cluster = new ClusterFixture(database);
    cleanups.push(() => cluster.stop());
    // The node reaches MySQL only through the proxy; the test and the control node see it directly.
    const [node] = await cluster.startNodesWithMysql(['cut-off'], viaProxy.toString(), FAST_FAILOVER);
    const { manager } = await cluster.startControl(FAST_FAILOVER);
    const tasks = await Promise.all(
      [1, 2, 3].map((i) => manager.submitAsyncTask({ name: `o${i}`, taskType: 'burn', params: { ms: 2000 + 1000 * i, chunkMs: 100 } })),
    );
    // Cut only once every task is executing (its live log shows work), not merely claimed: a claim
    // whose answer the cut swallows is handed back and run again, which is right but not this test.
    for (const task of tasks) {
      await waitFor(`task ${task.name} to be executing`, async () => (await readAll(await manager.getTaskLog(task.id, false))).includes('burned a'), 20_000);
    }
    proxy.cut();
    const outageEnds = Date.now() + 6000;
    // While MySQL is unreachable the tasks (3–5 s long) end; their final writes must wait, not vanish.
    await waitFor('the outage to last 6 s', () => Date.now() >= outageEnds, 10_000, 100);
    expect((await cluster.statusCounts(tasks.map((task) => task.id))).get(AsyncTaskStatus.RUNNING)).toBe(3);
    proxy.restore();
    for (const task of tasks) {
      const done = await manager.waitForExit(task.id, 30_000);
      // Ran once, to the end, though its end could not be written for seconds (node output shown if not).
      const asExpected = done.status === AsyncTaskStatus.SUCCESS && done.attempt === 1;
      expect({ status: done.status, attempt: done.attempt, output: asExpected ? '' : node.output }).toEqual({ status: AsyncTaskStatus.SUCCESS, attempt: 1, output: '' });
    }
    expect(node.alive).toBe(true);
  }, 90_000);

  it('never fails over a node whose tasks keep its main thread busy for a minute', async () => {
    const cluster = new ClusterFixture(database);
    cleanups.push(() => cluster.stop());
    await cluster.startNodes(['busy', 'idle']); // default options: 5 s node timeout
    const { manager } = await cluster.startControl();
    // 8 s of synchronous work at a time, longer than the node timeout, for 60 s.
    const { id } = await manager.submitAsyncTask({ name: 'cpu hog', taskType: 'burn', params: { ms: 60_000, chunkMs: 8000 }, cpuOverhead: 2000 });
    const done = await manager.waitForExit(id, 120_000);
    expect(done.status).toBe(AsyncTaskStatus.SUCCESS);
    expect(done.attempt).toBe(1);
    expect(done.offlineCount).toBe(0);
  }, 150_000);

  it('ends a task that keeps killing its nodes in FAILED after maxOfflineAttempts', async () => {
    const cluster = new ClusterFixture(database);
    cleanups.push(() => cluster.stop());
    const options = { ...FAST_FAILOVER, maxOfflineAttempts: 2 };
    const nodes = await cluster.startNodes(['doomed-1', 'doomed-2', 'doomed-3'], options);
    const { manager } = await cluster.startControl(options);
    const { id } = await manager.submitAsyncTask({ name: 'node killer', taskType: 'crash' });
    const done = await manager.waitForExit(id, 60_000);
    expect(done.status).toBe(AsyncTaskStatus.FAILED);
    expect(done.offlineCount).toBe(2);
    expect(done.failedReason).toMatch(/lost with its node 2 time\(s\).*maxOfflineAttempts/);
    expect(nodes.filter((node) => node.alive)).toHaveLength(1);
  }, 90_000);

  it('ends a task that kills its node in FAILED when the node restarts under the same id after each crash', async () => {
    // A fixed node id restarted at once (a StatefulSet pod, a systemd unit): its heartbeat never lapses,
    // so no failover scan sees the lost attempts; the restarted node must count them itself.
    const cluster = new ClusterFixture(database);
    cleanups.push(() => cluster.stop());
    const options = { ...FAST_FAILOVER, maxOfflineAttempts: 3 };
    const [first] = await cluster.startNodes(['fixed-id'], options);
    const { manager } = await cluster.startControl(options);
    const { id } = await manager.submitAsyncTask({ name: 'node killer', taskType: 'crash', params: { afterMs: 300 } });
    let node = first;
    let crashes = 0;
    for (;;) {
      const current = node;
      const what = await waitFor(
        'the node to crash or the task to end',
        async () => (!current.alive ? 'crashed' : isFinalStatus((await manager.getTask(id)).status) ? 'ended' : null),
        30_000,
      );
      if (what === 'ended') break;
      crashes++;
      // Each crash is one lost attempt; more crashes than the limit means the task loops.
      if (crashes > options.maxOfflineAttempts) break;
      [node] = await cluster.startNodes(['fixed-id'], options);
    }
    const done = await manager.getTask(id);
    expect({ crashes, status: done.status, offlineCount: done.offlineCount, attempt: done.attempt }).toEqual({
      crashes: 3,
      status: AsyncTaskStatus.FAILED,
      offlineCount: 3,
      attempt: 3,
    });
    expect(done.failedReason).toMatch(/lost with its node 3 time\(s\) \(last on node fixed-id\).*maxOfflineAttempts/);
    // Every lost attempt's partial log was kept, under its own header.
    const log = await readAll(await manager.getTaskLog(id));
    for (const attempt of [1, 2, 3]) expect(log).toContain(`crashing node fixed-id in attempt ${attempt}`);
    expect(log.match(/node fixed-id was lost; this attempt's log ends here/g)).toHaveLength(3);
  }, 120_000);
});
