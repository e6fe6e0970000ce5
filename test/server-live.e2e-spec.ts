import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { TaskEventsHub } from '../apps/server/src/events/task-events.hub.js';
import { ServiceProbes } from '../apps/server/src/health/service-probes.js';
import { AsyncTaskStatus } from '@sfc/async-task';
import { SseClient } from './support/sse-client.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(30_000);

describe('reference server: live events, cluster, health and metrics', () => {
  let server: TestServer;
  const submit = (token: string, body: object) => server.json('/api/tasks', { token, body });

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it("pushes live status and progress of the caller's own tasks only, over Server-Sent Events", async () => {
    const alice = new SseClient(`${server.url}/api/events`, TOKENS.alice);
    const bob = new SseClient(`${server.url}/api/events`, TOKENS.bob);
    try {
      const task = await submit(TOKENS.alice, { name: 'watched', taskType: 'sleep', params: { ms: 3000 } });
      const bobsTask = await submit(TOKENS.bob, { name: "bob's", taskType: 'sleep', params: { ms: 0 } });
      const live = await alice.waitFor('a live progress event', 'task', (update) => update.id === task.id && update.status === AsyncTaskStatus.RUNNING && update.progress?.loaded > 0);
      expect(live.progress).toMatchObject({ total: 3000, speed: expect.any(Number) });
      const final = await alice.waitFor('the final event', 'task', (update) => update.id === task.id && update.status === AsyncTaskStatus.SUCCESS);
      expect(final).toMatchObject({ name: 'watched', uid: 'alice', statusName: 'SUCCESS' });
      await bob.waitFor("bob's own task", 'task', (update) => update.id === bobsTask.id && update.status === AsyncTaskStatus.SUCCESS);
      expect([alice.status, bob.status]).toEqual([200, 200]);
      expect(bob.data('task').filter((update) => update.uid !== 'bob')).toEqual([]);
      expect(alice.data('task').filter((update) => update.uid !== 'alice')).toEqual([]);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
    await waitFor('the shared poller to stop', () => server.app.get(TaskEventsHub).listeners === 0, 5000);
  });

  it('works as a cluster: an API-only node (WORKER=false) submits and follows, a worker node runs', async () => {
    const apiNode = await startTestServer({ worker: false }, server);
    try {
      const nodes = await apiNode.json('/api/nodes', { token: TOKENS.bob });
      expect(nodes.map((node: { worker: boolean; taskTypes: string[] }) => [node.worker, node.taskTypes.length > 0]).sort()).toEqual([
        [false, false],
        [true, true],
      ]);
      const task = await apiNode.json('/api/tasks', { token: TOKENS.bob, body: { name: 'remote', taskType: 'sleep', params: { ms: 1000 } } });
      const log = await (await apiNode.request(`/api/tasks/${task.id}/log?follow=1`, { token: TOKENS.bob })).text();
      expect(log).toContain('Woke up');
      const record = await apiNode.json(`/api/tasks/${task.id}`, { token: TOKENS.bob });
      expect(record).toMatchObject({ status: AsyncTaskStatus.SUCCESS, executor: nodes.find((node: { worker: boolean }) => node.worker).nodeId });
    } finally {
      await apiNode.close();
    }
  });

  it('ends open event streams and followed logs when it shuts down, instead of hanging', async () => {
    const node = await startTestServer({ worker: false }, server);
    const task = await submit(TOKENS.bob, { name: 'later', taskType: 'sleep', params: { ms: 1000 }, delayMs: 60000 });
    const events = new SseClient(`${node.url}/api/events`, TOKENS.bob);
    const followed = await node.request(`/api/tasks/${task.id}/log?follow=1`, { token: TOKENS.bob });
    expect(followed.status).toBe(200);
    await events.waitFor('the current state', 'task', (update) => update.id === task.id);
    const closing = Date.now();
    await node.close();
    expect(Date.now() - closing).toBeLessThan(5000);
    await followed.text(); // both responses were ended by the server
    await events.ended;
    await server.json(`/api/tasks/${task.id}/interrupt`, { token: TOKENS.bob, method: 'POST' });
  });

  it('the health probe reports a Redis that does not answer as down', async () => {
    const probes = new ServiceProbes({ ...server.config, redis: 'redis://127.0.0.1:1' }, server.app.get(DataSource));
    try {
      expect(await probes.redisUp()).toMatchObject({ up: false, error: expect.stringMatching(/ECONNREFUSED|closed|writeable/) });
      expect(await probes.mysqlUp()).toMatchObject({ up: true });
    } finally {
      await probes.onApplicationShutdown();
    }
  });

  it('lists the nodes and exposes Prometheus metrics', async () => {
    const nodes = await server.json('/api/nodes', { token: TOKENS.bob });
    expect(nodes).toEqual([
      expect.objectContaining({ pid: process.pid, taskTypes: expect.arrayContaining(['download', 'sleep', 'transcode']), maxLoad: expect.any(Number) }),
    ]);
    const metrics = await server.request('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE async_tasks gauge$/m);
    expect(text).toMatch(/^async_tasks\{status="SUCCESS",type="sleep"\} 3$/m);
    expect(text).toMatch(/^async_tasks\{status="CANCELLED",type="sleep"\} 1$/m);
    expect(text).toMatch(/^async_task_duration_seconds_count\{type="sleep",status="SUCCESS"\} 3$/m);
    const sum = Number(/^async_task_duration_seconds_sum\{type="sleep",status="SUCCESS"\} (\S+)$/m.exec(text)?.[1]);
    expect(sum).toBeGreaterThan(3.5); // 3 + 0 + 1 s of sleeping
    expect(text).toMatch(/^async_task_node_max_load\{node="[^"]+",host="[^"]+"\} \d+$/m);
  });
});
