import { jest } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { AsyncTaskManager, AsyncTaskStatus } from '@sfc/async-task';
import { MysqlSelectCounter } from './support/mysql-select-counter.js';
import { SseClient } from './support/sse-client.js';
import { MYSQL_URL, REDIS_URL } from './support/test-environment.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(180_000);

/** Submits `count` tasks as `token`, `parallel` requests at a time. */
async function submitMany(server: TestServer, token: string, count: number, body: object, parallel = 25): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        await server.json('/api/tasks', { token, body });
      }
    }),
  );
}

/**
 * Issue 15 rows 3 and 4: followed logs and live events that scale. Tasks run on a worker node; the
 * clients talk to an API-only node of the same cluster, whose MySQL traffic goes through a counter.
 */
describe('reference server: followers and live events at scale', () => {
  let worker: TestServer;
  let api: TestServer;
  let counter: MysqlSelectCounter;
  let redis: Redis;

  beforeAll(async () => {
    worker = await startTestServer({ followsPerUser: 5 });
    const mysql = new URL(MYSQL_URL);
    counter = new MysqlSelectCounter(mysql.hostname, Number(mysql.port || 3306));
    api = await startTestServer({ worker: false, followsPerUser: 5, mysqlUrl: await counter.listen(worker.database.url) }, worker);
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    redis?.disconnect();
    await api?.close();
    await worker?.close();
    await counter?.close();
  });

  it('serves many followers of a node from one Redis reader, and answers 429 past the per-user cap', async () => {
    const task = await worker.json('/api/tasks', { token: TOKENS.alice, body: { name: 'followed', taskType: 'sleep', params: { ms: 30000 } } });
    const bobs = await worker.json('/api/tasks', { token: TOKENS.bob, body: { name: "bob's", taskType: 'sleep', params: { ms: 30000 } } });
    const follow = (id: string, token: string, signal?: AbortSignal) => api.request(`/api/tasks/${id}/log?follow=1`, { token, signal });
    await waitFor('the task to run', async () => (await api.json(`/api/tasks/${task.id}`, { token: TOKENS.alice })).status === AsyncTaskStatus.RUNNING);
    const nodeId = api.app.get(AsyncTaskManager).nodeId;
    const followerConnections = async () =>
      String(await redis.client('LIST')).split('\n').filter((line) => line.includes(`name=${api.config.prefix}:${nodeId}:log-follower`)).length;

    const aborts = Array.from({ length: 5 }, () => new AbortController());
    const followers = await Promise.all(aborts.map((abort) => follow(task.id, TOKENS.alice, abort.signal)));
    expect(followers.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    // Each follower gets the lines as they come.
    const readers = followers.map((response) => response.body!.getReader());
    const received = await Promise.all(
      readers.map(async (reader) => {
        let text = '';
        const decoder = new TextDecoder();
        while (!text.includes('Slept 1000 of 30000 ms')) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
        return text;
      }),
    );
    expect(received.every((text) => text.includes('Sleeping 30000 ms'))).toBe(true);
    expect(await followerConnections()).toBe(1);

    const refused = await follow(task.id, TOKENS.alice);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toMatch(/You already follow 5 logs on this node/);
    const bobFollows = await follow(bobs.id, TOKENS.bob);
    expect(bobFollows.status).toBe(200); // the cap is per user
    expect(await followerConnections()).toBe(1);

    aborts[0].abort();
    await readers[0].cancel().catch(() => {});
    const again = await waitFor('a place to free up', async () => {
      const response = await follow(task.id, TOKENS.alice);
      if (response.status === 200) return response;
      await response.body?.cancel();
      return undefined;
    }, 5000);
    for (const id of [task.id, bobs.id]) await worker.json(`/api/tasks/${id}/interrupt`, { token: TOKENS.admin, method: 'POST' });
    expect(await again.text()).toContain('Sleeping 30000 ms'); // ends with the task
    await bobFollows.text();
    for (const reader of readers.slice(1)) while (!(await reader.read()).done);
  });

  it('reads MySQL only for what changed: under 50 SELECTs/s on the listening node with 600 waiting tasks', async () => {
    await submitMany(worker, TOKENS.bob, 600, { name: 'later', taskType: 'sleep', params: { ms: 1000 }, delayMs: 600_000 });
    const alice = new SseClient(`${api.url}/api/events`, TOKENS.alice);
    const admin = new SseClient(`${api.url}/api/events`, TOKENS.admin);
    try {
      await admin.waitFor('the current state of the waiting tasks', 'task', (update) => update.uid === 'bob' && update.status === AsyncTaskStatus.WAITING);
      // The counter does see this node's reads (a new client's current tasks), so a low rate below is real.
      expect(counter.selects).toBeGreaterThan(0);
      const before = counter.selects;
      const windowMs = 5000;
      await delay(windowMs); // a measuring window, not a wait for something to happen
      const perSecond = (counter.selects - before) / (windowMs / 1000);
      console.log(`SELECTs/s on the listening node with 600 waiting tasks and 2 listeners: ${perSecond.toFixed(1)}`);
      expect(perSecond).toBeLessThan(50);
      expect(alice.data('task').filter((update) => update.uid !== 'alice')).toEqual([]);
    } finally {
      await Promise.all([alice.close(), admin.close()]);
    }
  });

  it("delivers a listener's own task events at most 2 s late while another user floods 2,000 tasks", async () => {
    const alice = new SseClient(`${api.url}/api/events`, TOKENS.alice);
    try {
      const task = await worker.json('/api/tasks', { token: TOKENS.alice, body: { name: 'steady', taskType: 'sleep', params: { ms: 15000 } } });
      await alice.waitFor('the first progress event', 'task', (update) => update.id === task.id && update.progress?.loaded > 0);
      const flood = submitMany(worker, TOKENS.bob, 2000, { name: 'flood', taskType: 'sleep', params: { ms: 0 } });
      await alice.waitFor('the end of her task', 'task', (update) => update.id === task.id && update.status === AsyncTaskStatus.SUCCESS, 60000);
      await flood;
      const own = alice.events.filter((event) => JSON.parse(event.data).id === task.id);
      const gaps = own.slice(1).map((event, index) => event.at - own[index].at);
      const maxGap = Math.max(...gaps);
      // Samples are taken every second: an event is late by however much its gap exceeds that.
      console.log(`Own task events during a 2,000-task flood: ${own.length}, largest gap ${maxGap} ms (at most ${Math.max(0, maxGap - 1000)} ms late)`);
      expect(maxGap - 1000).toBeLessThanOrEqual(2000);
      expect(own.length).toBeGreaterThanOrEqual(10);
      const bobs = await worker.json('/api/tasks?status=SUCCESS&type=sleep&size=1', { token: TOKENS.bob });
      expect(bobs.total).toBeGreaterThan(0);
      expect(alice.data('task').filter((update) => update.uid !== 'alice')).toEqual([]);
    } finally {
      await alice.close();
    }
  });
});
