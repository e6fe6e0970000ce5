// Real Redis deployments on this machine, from Debian's redis package (redis-server, redis-cli):
// a Redis Cluster of masters + replicas and a primary + replica watched by Sentinel. Private
// loopback ports, data under a temp folder, nothing saved to disk; stop() kills them all.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/** One redis-server process of a deployment. */
class RedisNode {
  process: ChildProcess | undefined;

  constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  start(): void {
    this.process = spawn('redis-server', this.args, { stdio: 'ignore' });
  }

  get running(): boolean {
    return !!this.process && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** kill -9. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.process!.kill('SIGKILL');
    await once(this.process!, 'exit');
  }

  async command(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...args]);
    return stdout.trim();
  }

  async waitUntilAnswering(): Promise<void> {
    await waitFor(`redis-server on port ${this.port} to answer`, async () => (await this.command('PING')) === 'PONG', 15_000, 100);
  }
}

const COMMON = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

/** A Redis Cluster of `masters` masters with one replica each, made with `redis-cli --cluster create`. */
export class LocalRedisCluster {
  private constructor(
    readonly nodes: RedisNode[],
    private readonly dir: string,
  ) {}

  static async start(masters = 3): Promise<LocalRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'async-task-redis-cluster-'));
    // A cluster node also listens on its port + 10000 (the cluster bus).
    const ports = await freePorts(masters * 2, 10_000);
    const nodes = ports.map(
      (port) =>
        new RedisNode(port, [
          '--port', String(port), ...COMMON, '--dir', dir,
          '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          // A dead master is replaced by its replica within about two seconds.
          '--cluster-node-timeout', '1500', '--cluster-replica-validity-factor', '0',
        ]),
    );
    const cluster = new LocalRedisCluster(nodes, dir);
    try {
      for (const node of nodes) node.start();
      for (const node of nodes) await node.waitUntilAnswering();
      await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes']);
      await cluster.waitUntilHealthy(masters);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The `redis` option for this cluster: its startup nodes. */
  get option(): { cluster: string[] } {
    return { cluster: this.nodes.map((node) => `127.0.0.1:${node.port}`) };
  }

  /** Ports of the masters (that run), from CLUSTER NODES as a live node sees it. */
  async masterPorts(): Promise<number[]> {
    const node = this.nodes.find((candidate) => candidate.running)!;
    const lines = (await node.command('CLUSTER', 'NODES')).split('\n');
    return lines
      .map((line) => line.split(' '))
      .filter((fields) => fields[2].split(',').includes('master') && !fields[2].includes('fail') && fields[8] !== undefined)
      .map((fields) => Number(fields[1].split(':')[1].split('@')[0]));
  }

  /** The port of the master that serves `key`. */
  async masterOf(key: string): Promise<number> {
    const node = this.nodes.find((candidate) => candidate.running)!;
    const slot = Number(await node.command('CLUSTER', 'KEYSLOT', key));
    const slots = await this.clusterSlots(node);
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no master serves slot ${slot}`);
    return range[2][1];
  }

  private async clusterSlots(node: RedisNode) {
    const redis = new Redis(node.port, '127.0.0.1', { lazyConnect: true });
    try {
      await redis.connect();
      return await redis.cluster('SLOTS');
    } finally {
      redis.disconnect();
    }
  }

  node(port: number): RedisNode {
    return this.nodes.find((node) => node.port === port)!;
  }

  /** Until every live node says the cluster is ok and `masters` masters serve slots. */
  async waitUntilHealthy(masters: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `the Redis Cluster to be ok with ${masters} masters`,
      async () => {
        for (const node of this.nodes.filter((candidate) => candidate.running)) {
          if (!(await node.command('CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
        }
        return (await this.masterPorts()).length === masters;
      },
      timeoutMs,
      200,
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A primary, its replica and one Sentinel watching them as `mymaster`. */
export class LocalRedisSentinel {
  static readonly MASTER_NAME = 'mymaster';

  private constructor(
    readonly primary: RedisNode,
    readonly replica: RedisNode,
    readonly sentinel: RedisNode,
    private readonly dir: string,
  ) {}

  static async start(): Promise<LocalRedisSentinel> {
    const dir = mkdtempSync(join(tmpdir(), 'async-task-redis-sentinel-'));
    const [primaryPort, replicaPort, sentinelPort] = await freePorts(3);
    const primary = new RedisNode(primaryPort, ['--port', String(primaryPort), ...COMMON, '--dir', dir]);
    const replica = new RedisNode(replicaPort, ['--port', String(replicaPort), ...COMMON, '--dir', dir, '--replicaof', '127.0.0.1', String(primaryPort)]);
    // Sentinel rewrites its configuration file, so it gets one of its own.
    const config = join(dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${LocalRedisSentinel.MASTER_NAME} 127.0.0.1 ${primaryPort} 1`,
        `sentinel down-after-milliseconds ${LocalRedisSentinel.MASTER_NAME} 1000`,
        `sentinel failover-timeout ${LocalRedisSentinel.MASTER_NAME} 5000`,
        '',
      ].join('\n'),
    );
    const sentinel = new RedisNode(sentinelPort, [config, '--sentinel']);
    const deployment = new LocalRedisSentinel(primary, replica, sentinel, dir);
    try {
      primary.start();
      await primary.waitUntilAnswering();
      replica.start();
      sentinel.start();
      await replica.waitUntilAnswering();
      await sentinel.waitUntilAnswering();
      await waitFor('the replica to be in sync', async () => (await replica.command('INFO', 'replication')).includes('master_link_status:up'), 15_000, 100);
      await waitFor('Sentinel to see the replica', async () => (await sentinel.command('SENTINEL', 'REPLICAS', LocalRedisSentinel.MASTER_NAME)).includes(String(replicaPort)), 15_000, 100);
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  }

  /** The `redis-sentinel://` URL of the watched primary. */
  get url(): string {
    return `redis-sentinel://127.0.0.1:${this.sentinel.port}/${LocalRedisSentinel.MASTER_NAME}`;
  }

  /** The port Sentinel currently names as the primary. */
  async primaryPort(): Promise<number> {
    const answer = await this.sentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', LocalRedisSentinel.MASTER_NAME);
    return Number(answer.split('\n')[1]);
  }

  /** SENTINEL FAILOVER: the replica is promoted and the old primary becomes its replica. */
  async forceFailover(): Promise<void> {
    const before = await this.primaryPort();
    const answer = await this.sentinel.command('SENTINEL', 'FAILOVER', LocalRedisSentinel.MASTER_NAME);
    if (answer !== 'OK') throw new Error(`SENTINEL FAILOVER answered ${answer}`);
    await waitFor('Sentinel to name the new primary', async () => (await this.primaryPort()) !== before, 20_000, 100);
  }

  async stop(): Promise<void> {
    await Promise.all([this.sentinel.kill(), this.replica.kill(), this.primary.kill()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `count` free loopback ports (each also free at + `busOffset`, when given). */
async function freePorts(count: number, busOffset?: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (ports.includes(port)) continue;
    if (!(await isFree(port))) continue;
    if (busOffset !== undefined && !(await isFree(port + busOffset))) continue;
    ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
