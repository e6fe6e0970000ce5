import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { Redis } from 'ioredis';
import { Logger } from '@nestjs/common';
import { AsyncTaskNotFoundError, AsyncTaskStatus } from '../src/index.js';
import { RedisConnections } from '../src/redis/redis-connections.js';
import { LiveLog } from '../src/task-log/live-log.js';
import { TaskGate, testTaskFactory } from '../../../test/support/log-tasks.js';
import { TcpProxy } from '../../../test/support/tcp-proxy.js';
import { TestDatabase } from '../../../test/support/test-database.js';
import { REDIS_URL, uniqueName } from '../../../test/support/test-environment.js';
import { startTestNode, type TestNode } from '../../../test/support/test-node.js';
import { waitFor } from '../../../test/support/wait-for.js';

const HEADER = (attempt: number, node: string, reason?: string) =>
  new RegExp(`^===== attempt ${attempt} on ${node}, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}${reason ? `, ${reason}` : ''} =====$`, 'm');

/** Collects what a (following) log stream delivers, with the moment each piece arrived. */
function collect(stream: Readable) {
  const seen = { text: '', arrivals: [] as Array<{ at: number; text: string }>, ended: false };
  stream.on('data', (chunk: string) => {
    seen.text += chunk;
    seen.arrivals.push({ at: performance.now(), text: chunk });
  });
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', () => resolve((seen.ended = true) && undefined));
    stream.on('error', reject);
  });
  return { seen, ended, stream };
}

describe('task logs, live from any node (real Redis and MySQL)', () => {
  const database = new TestDatabase();
  const gate = new TaskGate();
  const nodes: TestNode[] = [];
  let prefix: string;

  const node = async (name: string, worker = true, options: Record<string, unknown> = {}) => {
    const factories = worker ? [testTaskFactory('talk', gate), testTaskFactory('flood', gate)] : [];
    const started = await startTestNode(database, { prefix, nodeId: name, worker, factories, ...options });
    nodes.push(started);
    return started;
  };

  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await database.create();
  });
  afterAll(async () => {
    redis.disconnect();
    await database.drop();
  });
  beforeEach(() => {
    prefix = uniqueName('at');
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
  });

  it('reads lines written on node A through node B while the task still runs', async () => {
    await node('node-a');
    const { manager: b } = await node('node-b', false);
    const { id } = await b.submitAsyncTask({ name: 'talk', taskType: 'talk', params: { lines: 3 } });

    const live = await waitFor('the third line through node B', async () => {
      const log = await text(await b.getTaskLog(id));
      return log.includes('line 3 of attempt 1') ? log : undefined;
    });
    expect((await b.getTask(id)).status).toBe(AsyncTaskStatus.RUNNING);
    expect(live).toMatch(HEADER(1, 'node-a'));
    expect(live.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(HEADER(1, 'node-a')),
      expect.stringMatching(/^\[ INFO\]\[[^\]]+\] line 1 of attempt 1$/),
      expect.stringMatching(/line 2 of attempt 1$/),
      expect.stringMatching(/line 3 of attempt 1$/),
    ]);

    gate.release(id);
    expect((await b.waitForExit(id, 15000)).status).toBe(AsyncTaskStatus.SUCCESS);
    const saved = await text(await b.getTaskLog(id));
    expect(saved.startsWith(live)).toBe(true);
    expect(saved).toMatch(/\] done\n$/);
  });

  it('follows: delivers lines as they are written and ends when the task ends', async () => {
    await node('node-a');
    const { manager: b } = await node('node-b', false);
    const { id } = await b.submitAsyncTask({ name: 'talk', taskType: 'talk', params: { lines: 10, everyMs: 100 } });
    const { seen, ended } = collect(await b.getTaskLog(id, true, { follow: true }));
    const quitter = collect(await b.getTaskLog(id, true, { follow: true }));
    // Each follower holds a Redis connection of its own, and gives it back when its stream ends or is destroyed.
    const followerConnections = async () =>
      String(await redis.client('LIST')).split('\n').filter((line: string) => line.includes(`name=${prefix}:node-b:log-follower`)).length;
    await waitFor('both followers to block for lines', async () => (await followerConnections()) === 2);
    await waitFor('line 2 through the second follower', () => quitter.seen.text.includes('line 2 of attempt 1'));
    await new Promise<void>((resolve) => quitter.stream.destroy().once('close', resolve));
    await waitFor('the destroyed follower to close its connection', async () => (await followerConnections()) === 1);

    await waitFor('line 10 through the follower', () => seen.text.includes('line 10 of attempt 1'));
    // Line 1 reached node B long before line 10 was written: lines come as they are written.
    const firstArrival = seen.arrivals.find((piece) => piece.text.includes('line 1 of'))!.at;
    expect(firstArrival).toBeLessThan(gate.writtenAt.get(`${id} 10`)!);
    expect(seen.ended).toBe(false);

    gate.release(id);
    await ended;
    const record = await b.getTask(id);
    expect(record.status).toBe(AsyncTaskStatus.SUCCESS);
    const lines = seen.text.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(HEADER(1, 'node-a'));
    expect(lines.slice(1).map((line) => line.replace(/^\[ INFO\]\[[^\]]+\] /, ''))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `line ${i + 1} of attempt 1`),
      'done',
    ]);
    await waitFor('the ended follower to close its connection', async () => (await followerConnections()) === 0);
  }, 30_000);

  it('keeps each attempt under its header across a handover, and follows into the new attempt', async () => {
    const a = await node('node-a');
    const { id } = await a.manager.submitAsyncTask({ name: 'talk', taskType: 'talk', params: { lines: 2 } });
    await waitFor('attempt 1 to write its lines', async () => (await text(await a.manager.getTaskLog(id))).includes('line 2 of attempt 1'));
    const b = await node('node-b');
    const { seen, ended } = collect(await b.manager.getTaskLog(id, true, { follow: true }));
    await waitFor('the follower to catch up', () => seen.text.includes('line 2 of attempt 1'));

    await a.close(); // stops the task and hands it over: node B runs attempt 2
    nodes.splice(nodes.indexOf(a), 1);
    await waitFor('attempt 2 through the follower', () => seen.text.includes('line 2 of attempt 2'));
    gate.release(id);
    await ended;
    expect(await b.manager.getTask(id)).toMatchObject({ status: AsyncTaskStatus.SUCCESS, attempt: 2 });

    const history = await text(await b.manager.getTaskLog(id));
    const [first, second] = history.split(/^(?====== attempt 2 )/m);
    const messages = (section: string) => section.split('\n').filter(Boolean).slice(1).map((line) => line.replace(/^\[ ?\w+\]\[[^\]]+\] /, ''));
    expect(first).toMatch(HEADER(1, 'node-a'));
    // The hand-over is said as one INFO line, not as an error with a stack.
    expect(messages(first).slice(0, 3)).toEqual(['line 1 of attempt 1', 'line 2 of attempt 1', 'Stopped on this node: Node is shutting down; the task continues on another node.']);
    expect(first).toMatch(/^\[ INFO\]\[[^\]]+\] Stopped on this node: /m);
    expect(first).not.toContain('[ERROR]');
    // The new attempt's header says why it started.
    expect(second).toMatch(HEADER(2, 'node-b', 'after failover'));
    expect(messages(second)).toEqual(['line 1 of attempt 2', 'line 2 of attempt 2', 'done']);
    expect(seen.text).toBe(history);

    const latest = await text(await b.manager.getTaskLog(id, false));
    expect(latest).toBe(second);
    expect(latest).not.toContain('attempt 1');
  }, 30_000);

  it('caps an attempt that writes 5 MiB at 1 MiB with a marker, and the task still succeeds', async () => {
    const { manager } = await node('node-a');
    const { id } = await manager.submitAsyncTask({ name: 'flood', taskType: 'flood', params: { bytes: 5 * 1024 * 1024 } });
    expect((await manager.waitForExit(id, 30000)).status).toBe(AsyncTaskStatus.SUCCESS);

    const [row] = await database.query('SELECT LENGTH(log) AS bytes, truncated FROM async_task_log_record WHERE task_id = ?', [id]);
    expect(Number(row.bytes)).toBeGreaterThan(1024 * 1024 - 100);
    expect(Number(row.bytes)).toBeLessThan(1024 * 1024 + 300);
    expect(Number(row.truncated)).toBe(1);
    const log = await text(await manager.getTaskLog(id));
    expect(log.match(/log truncated/g)).toHaveLength(1);
    expect(log).toMatch(/\[ WARN\]\[[^\]]+\] log truncated: this attempt's log reached its cap of 1048576 bytes/);
    expect(log).not.toContain('] done');

    // ~11,000 lines reached Redis in a few dozen batched entries, and the stream goes soon after the row is saved.
    const key = `${prefix}:log:${id}:1`;
    const entries = await redis.xlen(key);
    expect(entries).toBeGreaterThan(2);
    expect(entries).toBeLessThan(200);
    await waitFor('the live stream to expire shortly', async () => {
      const ttl = await redis.pttl(key);
      return ttl > 0 && ttl <= 10_000;
    });
  }, 30_000);

  it('carries on through a Redis outage: the task succeeds, and its row and live stream hold every line once', async () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(REDIS_URL).port || 6379));
    const port = await proxy.listen();
    try {
      const a = await node('node-a', true, { redis: `redis://127.0.0.1:${port}` });
      const { manager: b } = await node('node-b', false);
      const { id } = await b.submitAsyncTask({ name: 'talk', taskType: 'talk', params: { lines: 60, everyMs: 50 } });
      await waitFor('line 5 live through node B', async () => (await text(await b.getTaskLog(id))).includes('line 5 of attempt 1'));

      proxy.cut(); // node A loses Redis while its task keeps writing
      await waitFor('2.5 s of lines written during the outage', () => gate.writtenAt.has(`${id} 55`));
      proxy.restore();
      gate.release(id);
      expect((await b.waitForExit(id, 30_000)).status).toBe(AsyncTaskStatus.SUCCESS);

      const [row] = await database.query('SELECT log FROM async_task_log_record WHERE task_id = ?', [id]);
      const messages = (row.log as string).split('\n').filter(Boolean).map((line) => line.replace(/^\[ INFO\]\[[^\]]+\] /, ''));
      expect(messages).toEqual([...Array.from({ length: 60 }, (_, i) => `line ${i + 1} of attempt 1`), 'done']);
      // Batches retried after the outage were not stored twice.
      const entries = await redis.xrange(`${prefix}:log:${id}:1`, '-', '+');
      const live = entries.filter(([, fields]) => fields[0] === 't').map(([, fields]) => fields[1]).join('');
      expect(live).toBe(row.log);
      await a.close();
      nodes.splice(nodes.indexOf(a), 1);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('keeps the partial log of an attempt whose node died, saved by the failover scan', async () => {
    const { app, manager } = await node('node-b', false, { heartbeatIntervalMs: 100, nodeTimeoutMs: 500, failoverIntervalMs: 200 });
    const { id } = await manager.submitAsyncTask({ name: 'orphan', taskType: 'talk', params: {} });
    // A node "ghost" claimed it and wrote two lines, then vanished without a heartbeat or a saved row.
    await database.query(`UPDATE async_task_record SET status = 1, attempt = 1, executor = 'ghost', started_at = NOW(3) WHERE id = ?`, [id]);
    const ghostLog = new LiveLog(app.get(RedisConnections).bestEffort, `${prefix}:log:${id}:1`, new Logger('ghost'));
    ghostLog.start('ghost', new Date());
    ghostLog.append('[ INFO][2026-11-28 14:03:07.123] first\n');
    ghostLog.append('[ INFO][2026-11-28 14:03:07.124] second\n');

    await waitFor('the lost attempt to be handed over', async () => (await manager.getTask(id)).status === AsyncTaskStatus.WAITING);
    const row = await waitFor('the partial log to be saved', async () => {
      const [saved] = await database.query('SELECT executor FROM async_task_log_record WHERE task_id = ? AND attempt = 1', [id]);
      return saved as { executor: string } | undefined;
    });
    expect(row.executor).toBe('ghost');
    const log = await text(await manager.getTaskLog(id));
    expect(log).toMatch(HEADER(1, 'ghost'));
    expect(log.split('\n').filter(Boolean).slice(1)).toEqual([
      '[ INFO][2026-11-28 14:03:07.123] first',
      '[ INFO][2026-11-28 14:03:07.124] second',
      expect.stringMatching(/^\[ WARN\]\[[^\]]+\] node ghost was lost; this attempt's log ends here$/),
    ]);
  }, 30_000);

  it('rejects unknown ids before returning a stream', async () => {
    const { manager } = await node('node-b', false);
    await expect(manager.getTaskLog('no-such-task')).rejects.toBeInstanceOf(AsyncTaskNotFoundError);
    await expect(manager.getTaskLog('no-such-task', false, { follow: true })).rejects.toBeInstanceOf(AsyncTaskNotFoundError);
  });
});
