import { jest } from '@jest/globals';
import { AsyncTaskStatus } from '@sfc/async-task';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(30_000);

describe('reference server: REST API and ownership', () => {
  let server: TestServer;
  const submit = (token: string, body: object) => server.json('/api/tasks', { token, body });
  const statusOf = async (id: string, token: string = TOKENS.admin) => (await server.json(`/api/tasks/${id}`, { token })).status as number;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers 401 without a valid token, except on health, metrics, the dashboard and the API description', async () => {
    for (const path of ['/api/tasks', '/api/events', '/api/nodes', '/api/me']) {
      expect((await server.request(path)).status).toBe(401);
      expect((await server.request(path, { token: 'not-a-known-token' })).status).toBe(401);
    }
    expect((await server.request('/api/tasks', { body: { name: 'x', taskType: 'sleep' } })).status).toBe(401);
    const health = await server.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'up', redis: { up: true }, mysql: { up: true } });
    expect(await (await server.request('/')).text()).toContain('<title>async-task dashboard</title>');
    expect((await server.request('/assets/task-table.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await server.request('/assets/..%2Fopenapi.json')).status).toBe(404);
    const openapi = (await (await server.request('/api/openapi.json')).json()) as { openapi: string; paths: object };
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/tasks', '/api/tasks/{id}', '/api/tasks/{id}/log', '/api/tasks/{id}/progress', '/api/tasks/{id}/interrupt', '/api/events', '/api/nodes', '/health', '/metrics']),
    );
    expect(await server.json('/api/me', { token: TOKENS.bob })).toEqual({ uid: 'bob', admin: false });
  });

  it('refuses bad bodies with 400 and a message, and takes the owner only from the token', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['[1]', /JSON object/],
      ['{"name": ', /JSON/],
      [{ taskType: 'sleep', params: { ms: 1 } }, /name/],
      [{ name: 'x', taskType: 'no-such-type' }, /taskType must be one of/],
      [{ name: 'x', taskType: 'sleep', params: { ms: 1 }, uid: 'bob' }, /uid/],
      [{ name: 'x', taskType: 'sleep', params: { ms: -5 } }, /milliseconds/],
      [{ name: 'x', taskType: 'sleep', params: { ms: 1 }, priority: 5000 }, /priority/],
      [{ name: 'x', taskType: 'download', params: { url: 'file:///etc/passwd' } }, /only fetches http and https/],
      [{ name: 'x', taskType: 'download', params: { url: 'http://127.0.0.1/x', name: '../../etc/cron.d/x' } }, /escapes the data folder/],
      [{ name: 'x', taskType: 'transcode', params: { input: 'a.mp4', output: 'b.exe' } }, /must end in/],
    ];
    for (const [body, message] of cases) {
      const response = await server.request('/api/tasks', { token: TOKENS.alice, body });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    }
    expect((await server.request('/api/tasks?status=7', { token: TOKENS.alice })).status).toBe(400);
    expect((await server.request('/api/tasks?page=0', { token: TOKENS.alice })).status).toBe(400);
    const { total } = await server.json('/api/tasks', { token: TOKENS.admin });
    expect(total).toBe(0); // nothing was written
  });

  it('runs a task to SUCCESS, streams its log with follow, and reports progress', async () => {
    const task = await submit(TOKENS.alice, { name: 'nap', taskType: 'sleep', params: { ms: 1500 } });
    expect(task).toMatchObject({ uid: 'alice', status: AsyncTaskStatus.WAITING, taskType: 'sleep', cpuOverhead: 1 });
    await waitFor('the task to run', async () => (await statusOf(task.id, TOKENS.alice)) === AsyncTaskStatus.RUNNING);
    const progress = await waitFor('progress to move', async () => {
      const { progress } = await server.json(`/api/tasks/${task.id}/progress`, { token: TOKENS.alice });
      return progress?.loaded > 0 ? progress : undefined;
    });
    expect(progress).toMatchObject({ total: 1500 });
    const followed = await server.request(`/api/tasks/${task.id}/log?follow=1`, { token: TOKENS.alice });
    expect(followed.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await followed.text(); // ends only when the task does
    expect(await statusOf(task.id, TOKENS.alice)).toBe(AsyncTaskStatus.SUCCESS);
    expect(text).toMatch(/\[ INFO\]\[[^\]]+\] Sleeping 1500 ms\n[\s\S]*Woke up\n/);
    const record = await server.json(`/api/tasks/${task.id}`, { token: TOKENS.alice });
    expect(record).toMatchObject({ id: task.id, status: AsyncTaskStatus.SUCCESS, progress: { total: 1500, loaded: 1500 } });
    expect(await (await server.request(`/api/tasks/${task.id}/log?history=0`, { token: TOKENS.alice })).text()).toContain('Woke up');
  });

  it('interrupts a running task: it ends CANCELLED', async () => {
    const task = await submit(TOKENS.bob, { name: 'long nap', taskType: 'sleep', params: { ms: 60000 } });
    await waitFor('the task to run', async () => (await statusOf(task.id)) === AsyncTaskStatus.RUNNING);
    const result = await server.json(`/api/tasks/${task.id}/interrupt`, { token: TOKENS.bob, method: 'POST' });
    expect(result).toMatchObject({ taskId: task.id, outcome: 'interrupting' });
    await waitFor('CANCELLED', async () => (await statusOf(task.id, TOKENS.bob)) === AsyncTaskStatus.CANCELLED, 10000);
    const again = await server.json(`/api/tasks/${task.id}/interrupt`, { token: TOKENS.bob, method: 'POST' });
    expect(again).toMatchObject({ outcome: 'already-finished', status: AsyncTaskStatus.CANCELLED });
  });

  it("answers 404 on every endpoint for someone else's task, and lets an admin see all", async () => {
    const task = await submit(TOKENS.alice, { name: 'private', taskType: 'sleep', params: { ms: 30000 }, delayMs: 60000 });
    for (const [path, method] of [
      [`/api/tasks/${task.id}`, 'GET'],
      [`/api/tasks/${task.id}/progress`, 'GET'],
      [`/api/tasks/${task.id}/log`, 'GET'],
      [`/api/tasks/${task.id}/log?follow=1`, 'GET'],
      [`/api/tasks/${task.id}/interrupt`, 'POST'],
    ]) {
      const response = await server.request(path, { token: TOKENS.bob, method });
      expect({ path, method, status: response.status }).toEqual({ path, method, status: 404 });
      const unknown = await server.request(path.replace(task.id, 'no-such-task'), { token: TOKENS.bob, method });
      const message = ((await response.json()) as { message: string }).message;
      expect(message).toBe(((await unknown.json()) as { message: string }).message.replace('no-such-task', task.id));
    }
    expect(await statusOf(task.id, TOKENS.alice)).toBe(AsyncTaskStatus.WAITING); // bob's interrupt did nothing
    const bobs = await server.json('/api/tasks?size=100', { token: TOKENS.bob });
    expect(bobs.items.every((item: { uid: string }) => item.uid === 'bob')).toBe(true);
    expect(bobs.items.map((item: { id: string }) => item.id)).not.toContain(task.id);
    const alices = await server.json('/api/tasks?size=100', { token: TOKENS.alice });
    expect(alices.items.map((item: { id: string }) => item.id)).toContain(task.id);
    const all = await server.json('/api/tasks?size=100', { token: TOKENS.admin });
    expect(new Set(all.items.map((item: { uid: string }) => item.uid))).toEqual(new Set(['alice', 'bob']));
    expect(await server.json(`/api/tasks/${task.id}/interrupt`, { token: TOKENS.admin, method: 'POST' })).toMatchObject({ outcome: 'cancelled' });
  });

  it('filters and pages the list', async () => {
    const waiting = await server.json('/api/tasks?status=WAITING,RUNNING&type=sleep', { token: TOKENS.alice });
    expect(waiting.items).toEqual([]);
    const ended = await server.json('/api/tasks?status=2,4', { token: TOKENS.alice });
    expect(ended.items.map((item: { status: number }) => item.status).sort()).toEqual([AsyncTaskStatus.SUCCESS, AsyncTaskStatus.CANCELLED]);
    const first = await server.json('/api/tasks?size=1&page=1', { token: TOKENS.alice });
    const second = await server.json('/api/tasks?size=1&page=2', { token: TOKENS.alice });
    expect([first.total, first.items.length, second.items.length]).toEqual([2, 1, 1]);
    expect(first.items[0].id).not.toBe(second.items[0].id);
    expect((await server.json('/api/tasks?type=download', { token: TOKENS.admin })).total).toBe(0);
  });

});
