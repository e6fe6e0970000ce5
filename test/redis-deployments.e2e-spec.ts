import { AsyncTaskStatus } from '@sfc/async-task';
import { Redis } from 'ioredis';
import { ClusterFixture, type TaskRun } from './support/cluster-fixture.js';
import { LocalRedisCluster, LocalRedisSentinel } from './support/local-redis-cluster.js';
import { TestDatabase } from './support/test-database.js';
import { REDIS_URL, redisClusterOption, uniqueName } from './support/test-environment.js';
import { startTestNode } from './support/test-node.js';
import { waitFor } from './support/wait-for.js';

// Failure detection well above a Redis failover (~2-3 s here), so a node is never judged dead for it.
const FAILOVER_TOLERANT = { heartbeatIntervalMs: 300, nodeTimeoutMs: 6000, failoverIntervalMs: 500 };
const TYPES = ['work', 'work.a', 'work.b'];

// Real Redis deployments from Debian's redis package: a Redis Cluster (3 masters + 3 replicas) and a
// primary + replica behind Sentinel, with real node processes.
describe('Redis Cluster and Sentinel', () => {
  const database = new TestDatabase();
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    await database.create();
    await ClusterFixture.prepare(database);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => database.drop());

  it('spreads the queues of three task types over the masters of a Redis Cluster and runs every task', async () => {
    const cluster = new ClusterFixture(database, redisClusterOption());
    cleanups.push(() => cluster.stop());
    await cluster.startNodes(['spread-1', 'spread-2'], { maxLoad: 400 });
    const { manager } = await cluster.startControl();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push((await manager.submitAsyncTask({ name: `w${i}`, taskType: TYPES[i % 3], params: { ms: 100 }, cpuOverhead: 20 })).id);
    }
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 30, 60_000);

    // Each queue's keys sit on the master that serves its hash tag — asked of that master itself.
    const deployment = new ClusterView(redisClusterOption().cluster);
    cleanups.push(() => deployment.close());
    const masters = new Set<number>();
    for (const type of TYPES) {
      const key = `${cluster.prefix}:{task.${type}}:events`; // BullMQ's event stream of the queue
      const master = await deployment.masterOf(key);
      expect({ type, exists: await deployment.existsOn(master, key) }).toEqual({ type, exists: 1 });
      masters.add(master);
    }
    expect(masters.size).toBeGreaterThanOrEqual(2);
    // The node registry lives under its one tag, readable with one MGET through listNodes().
    expect((await manager.listNodes()).map((node) => node.nodeId)).toEqual(['control', 'spread-1', 'spread-2']);
  }, 90_000);

  it('follows a live log and reads progress through another node, on a Redis Cluster', async () => {
    const cluster = new ClusterFixture(database, redisClusterOption());
    cleanups.push(() => cluster.stop());
    await cluster.startNodes(['log-1']);
    const { manager } = await cluster.startControl();
    const { id } = await manager.submitAsyncTask({ name: 'followed', taskType: 'work.a', params: { ms: 3000 } });
    const stream = await manager.getTaskLog(id, true, { follow: true });
    let followed = '';
    stream.on('data', (chunk: string) => (followed += chunk));
    const ended = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));

    await waitFor('a line written on node log-1 to arrive while the task runs', () => followed.includes('step 1000 of 3000 on log-1'), 20_000);
    expect((await manager.getTask(id)).status).toBe(AsyncTaskStatus.RUNNING);
    const progress = await waitFor('progress through the control node', async () => {
      const read = await manager.getProgress(id);
      return read && read.loaded >= 1000 ? read : undefined;
    });
    expect(progress).toMatchObject({ total: 3000 });
    expect(progress.speed).toBeGreaterThan(500);

    await ended; // the follow ends with the task
    expect((await manager.getTask(id)).status).toBe(AsyncTaskStatus.SUCCESS);
    expect(followed).toMatch(/===== attempt 1 on log-1, started /);
    expect(followed).toContain('step 2950 of 3000 on log-1');
  }, 60_000);

  it('loses no task and runs none twice at once when a master is killed mid-run (its replica takes over)', async () => {
    const redis = await LocalRedisCluster.start(3);
    cleanups.push(() => redis.stop());
    const cluster = new ClusterFixture(database, redis.option);
    cleanups.push(() => cluster.stop());
    await cluster.startNodes(['m-1', 'm-2'], { ...FAILOVER_TOLERANT, maxLoad: 400 });
    const { manager } = await cluster.startControl(FAILOVER_TOLERANT);
    const ids: string[] = [];
    for (let i = 0; i < 90; i++) {
      const ms = 200 + ((i * 137) % 900);
      ids.push((await manager.submitAsyncTask({ name: `w${i}`, taskType: TYPES[i % 3], params: { ms }, cpuOverhead: 25 })).id);
    }
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 15, 60_000);
    // The master of the `work` queue (also the node registry's, on this layout) dies mid-run.
    const victim = await redis.masterOf(`${cluster.prefix}:{task.work}:events`);
    await redis.node(victim).kill();
    await waitFor('the replica to take over', async () => (await redis.masterOf(`${cluster.prefix}:{task.work}:events`)) !== victim, 30_000, 200);
    await redis.waitUntilHealthy(3);

    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 90, 120_000);
    expectEachCompletedOnceWithoutOverlap(ids, await cluster.runs());
  }, 240_000);

  it('notices when one master of the cluster loses its data and republishes that queue’s tasks at once', async () => {
    const cluster = new ClusterFixture(database, redisClusterOption());
    cleanups.push(() => cluster.stop());
    const deployment = new ClusterView(redisClusterOption().cluster);
    cleanups.push(() => deployment.close());
    const queueKey = `${cluster.prefix}:{task.work.b}:events`;
    const emptied = await deployment.masterOf(queueKey);
    // Only the queue's master: the node registry (and the other queues) keep their data.
    expect(await deployment.masterOf(`${cluster.prefix}:{nodes}:node-ids`)).not.toBe(emptied);
    await cluster.startNodes(['flush-1', 'flush-2'], { ...FAILOVER_TOLERANT, maxLoad: 100 });
    const { manager } = await cluster.startControl(FAILOVER_TOLERANT);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await manager.submitAsyncTask({ name: `w${i}`, taskType: 'work.b', params: { ms: 300 }, cpuOverhead: 50 })).id);
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 8, 60_000);
    await deployment.flushMaster(emptied);

    // Well before the periodic reconciliation (every 60 s): the lost tag is seen on the next scan.
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 40, 30_000);
    expectEachCompletedOnceWithoutOverlap(ids, await cluster.runs());
  }, 120_000);

  it('ends every task once through a forced Sentinel failover mid-run (redis-sentinel:// URL)', async () => {
    const sentinel = await LocalRedisSentinel.start();
    cleanups.push(() => sentinel.stop());
    const cluster = new ClusterFixture(database, sentinel.url);
    cleanups.push(() => cluster.stop());
    await cluster.startNodes(['s-1', 's-2'], { ...FAILOVER_TOLERANT, maxLoad: 400 });
    const { manager } = await cluster.startControl(FAILOVER_TOLERANT);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const ms = 200 + ((i * 137) % 900);
      ids.push((await manager.submitAsyncTask({ name: `w${i}`, taskType: TYPES[i % 3], params: { ms }, cpuOverhead: 25 })).id);
    }
    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 10, 60_000);
    const before = await sentinel.primaryPort();
    await sentinel.forceFailover();
    expect(await sentinel.primaryPort()).not.toBe(before);

    await cluster.waitForCount(ids, AsyncTaskStatus.SUCCESS, 60, 120_000);
    expectEachCompletedOnceWithoutOverlap(ids, await cluster.runs());
  }, 240_000);

  it('keeps the functions of the redis option in the heartbeat thread (its retryStrategy runs when its connection drops)', async () => {
    const calls: number[] = [];
    const prefix = uniqueName('fn');
    const url = new URL(REDIS_URL);
    const node = await startTestNode(database, {
      prefix,
      nodeId: 'fn-node',
      heartbeatIntervalMs: 200,
      redis: { host: url.hostname, port: Number(url.port), retryStrategy: (times: number) => (calls.push(times), 50) },
    });
    cleanups.push(() => node.close());
    const admin = new Redis(REDIS_URL);
    cleanups.push(async () => admin.disconnect());
    const clients = (await admin.client('LIST')) as string;
    const heartbeat = clients.split('\n').find((line) => line.includes(`name=${prefix}:{nodes}:node:fn-node:heartbeat`));
    expect(heartbeat).toBeDefined();
    expect(calls).toEqual([]);

    await admin.client('KILL', 'ID', /id=(\d+)/.exec(heartbeat!)![1]);
    await waitFor('the heartbeat connection to call retryStrategy', () => calls.length > 0, 10_000);
    await waitFor('the heartbeat connection to be back', async () => ((await admin.client('LIST')) as string).includes(`name=${prefix}:{nodes}:node:fn-node:heartbeat`), 10_000);
    expect((await node.manager.listNodes()).map((info) => info.nodeId)).toEqual(['fn-node']);
  });
});

describe('a redis factory', () => {
  const database = new TestDatabase();
  beforeAll(() => database.create());
  afterAll(() => database.drop());

  it('is called for every connection the node opens, the heartbeat thread’s included', async () => {
    const purposes: string[] = [];
    const made: Redis[] = [];
    const node = await startTestNode(database, {
      prefix: uniqueName('factory'),
      nodeId: 'factory-node',
      redis: (purpose: string) => {
        purposes.push(purpose);
        const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null, connectionName: `factory-${purpose}` });
        made.push(redis);
        return redis;
      },
    });
    try {
      // The heartbeat thread beat through a connection made from the factory's: the node is listed.
      expect((await node.manager.listNodes()).map((info) => info.nodeId)).toEqual(['factory-node']);
      expect(purposes).toEqual(expect.arrayContaining(['commands', 'heartbeat']));
      const clients = String(await made[0].client('LIST'));
      expect(clients).toContain('name=factory-commands');
    } finally {
      await node.close();
    }
    // The library closed what the factory made (the heartbeat's was only read for its options).
    await waitFor('the factory connections to be closed', () => made.every((redis) => redis.status === 'end'), 5000);
  });
});

/** Every task completed exactly once, and no two runs of one task overlapped in time. */
function expectEachCompletedOnceWithoutOverlap(ids: string[], runs: TaskRun[]): void {
  for (const id of ids) {
    const taskRuns = runs.filter((run) => run.task_id === id);
    expect({ id, completions: taskRuns.filter((run) => run.completed).length }).toEqual({ id, completions: 1 });
    for (let i = 1; i < taskRuns.length; i++) {
      expect(taskRuns[i].started_at.getTime()).toBeGreaterThanOrEqual((taskRuns[i - 1].ended_at ?? new Date(0)).getTime());
    }
  }
}

/** Reads a Redis Cluster's layout the way an operator would: CLUSTER SLOTS, then each master directly. */
class ClusterView {
  private readonly any: Redis;

  constructor(nodes: string[]) {
    const [host, port] = nodes[0].split(':');
    this.any = new Redis(Number(port), host);
  }

  async masterOf(key: string): Promise<number> {
    const slot = (await this.any.cluster('KEYSLOT', key)) as number;
    const ranges = await this.any.cluster('SLOTS');
    return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
  }

  async existsOn(port: number, key: string): Promise<number> {
    const master = new Redis(port, '127.0.0.1');
    try {
      return await master.exists(key);
    } finally {
      master.disconnect();
    }
  }

  /** FLUSHALL on one master (its replica follows): that master restarted empty, as far as data goes. */
  async flushMaster(port: number): Promise<void> {
    const master = new Redis(port, '127.0.0.1');
    try {
      await master.flushall();
    } finally {
      master.disconnect();
    }
  }

  async close(): Promise<void> {
    this.any.disconnect();
  }
}
