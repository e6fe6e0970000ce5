import { jest } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { parseTokens } from '../apps/server/src/auth/token-table.js';
import { checkServices } from '../apps/server/src/service-check.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { REDIS_URL } from './support/test-environment.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(40_000);

/** Rows of issue 15 that a hostile user reached through the API: each must now be refused or hidden. */
describe('reference server: what a hostile user tries', () => {
  let server: TestServer;
  const submit = (token: string, body: object) => server.json('/api/tasks', { token, body });
  const refusal = async (body: unknown) => {
    const response = await server.request('/api/tasks', { token: TOKENS.alice, body });
    return { status: response.status, message: ((await response.json()) as { message: string }).message };
  };

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('refuses a CPU budget that would take the node (cpuOverhead 100000 or 0) and unbounded ms / delayMs', async () => {
    for (const cpuOverhead of [100000, 0, 101, 1.5]) {
      expect(await refusal({ name: 'hog', taskType: 'sleep', params: { ms: 1 }, cpuOverhead })).toEqual({
        status: 400,
        message: 'cpuOverhead must be a whole number from 1 to 100',
      });
    }
    expect(await refusal({ name: 'x', taskType: 'sleep', params: { ms: 2 ** 53 } })).toMatchObject({ status: 400, message: expect.stringMatching(/from 0 to 86400000/) });
    expect(await refusal({ name: 'x', taskType: 'sleep', params: 2 ** 53 })).toMatchObject({ status: 400 });
    expect(await refusal({ name: 'x', taskType: 'sleep', params: { ms: 1 }, delayMs: 2 ** 53 })).toEqual({
      status: 400,
      message: 'delayMs must be a whole number from 0 to 604800000',
    });
    expect((await server.json('/api/tasks', { token: TOKENS.admin })).total).toBe(0); // nothing was written
    const fair = await submit(TOKENS.alice, { name: 'one core', taskType: 'sleep', params: { ms: 1 }, cpuOverhead: 100 });
    expect(fair.cpuOverhead).toBe(100);
  });

  it('answers 400, not 500, to deeply nested params and to taskType "__proto__"', async () => {
    const nested = `{"name":"deep","taskType":"sleep","params":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(await refusal(nested)).toEqual({ status: 400, message: 'The body nests deeper than 16 levels' });
    for (const taskType of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await refusal({ name: 'x', taskType, params: {} })).toEqual({ status: 400, message: 'taskType must be one of sleep, download, transcode' });
    }
  });

  it("shows a user only their own running task ids in /api/nodes; an admin sees all", async () => {
    const task = await submit(TOKENS.alice, { name: 'running', taskType: 'sleep', params: { ms: 20000 } });
    const running = (token: string) => server.json('/api/nodes', { token }).then((nodes: Array<{ runningTasks: string[] }>) => nodes.flatMap((node) => node.runningTasks));
    await waitFor('the task in the heartbeat', async () => (await running(TOKENS.admin)).includes(task.id));
    expect(await running(TOKENS.alice)).toContain(task.id);
    expect(await running(TOKENS.bob)).not.toContain(task.id);
    const [node] = await server.json('/api/nodes', { token: TOKENS.bob });
    expect(node.load).toBeGreaterThan(0); // the figures stay; only the ids are hidden
    await server.json(`/api/tasks/${task.id}/interrupt`, { token: TOKENS.alice, method: 'POST' });
  });

  it('sends security headers with the dashboard, its assets and the API, errors included', async () => {
    for (const [path, token] of [['/', undefined], ['/assets/dashboard.js', undefined], ['/api/tasks', TOKENS.alice], ['/api/tasks', undefined], ['/api/openapi.json', undefined]] as const) {
      const response = await server.request(path, { token });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect({ path, csp }).toEqual({ path, csp: expect.stringContaining("default-src 'self'") });
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      await response.arrayBuffer();
    }
  });

  it('keeps users whose uids differ only by case apart, even on a node whose tokens name only one of them', async () => {
    const task = await submit(TOKENS.alice, { name: "alice's", taskType: 'sleep', params: { ms: 1 }, delayMs: 60000 });
    const other = await startTestServer({ tokens: parseTokens('upper-alice-token=ALICE') }, server);
    try {
      const listed = await other.json('/api/tasks?size=100', { token: 'upper-alice-token' });
      expect(listed).toMatchObject({ total: 0, items: [] });
      expect((await other.request(`/api/tasks/${task.id}`, { token: 'upper-alice-token' })).status).toBe(404);
    } finally {
      await other.close();
    }
    expect((await server.json('/api/tasks?size=100', { token: TOKENS.alice })).items.map((item: { id: string }) => item.id)).toContain(task.id);
    // A user named like the admin (in any case), or two users differing only by case, are refused at start-up.
    expect(() => parseTokens('plain-user-token=Admin')).toThrow(/reserved for admins/);
    expect(() => parseTokens(`${TOKENS.alice}=alice,upper-alice-token=ALICE`)).toThrow(/differ only by case/);
  });

  it('never prints a Redis password when Redis cannot be reached at start-up', async () => {
    const failure = await checkServices('redis://default:s3cret-pw@127.0.0.1:1', server.config.mysqlUrl).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    // The user name may show; the password never does.
    expect((failure as Error).message).toMatch(/^Redis is not reachable at redis:\/\/default:\*\*\*@127\.0\.0\.1:1/);
    expect((failure as Error).message).not.toContain('s3cret-pw');
  });
});

describe('reference server: Redis goes away', () => {
  it('answers /api/nodes and /metrics with 503 within seconds instead of hanging', async () => {
    const redis = new URL(REDIS_URL);
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    const port = await proxy.listen();
    const server = await startTestServer({ redis: `redis://127.0.0.1:${port}` });
    try {
      expect((await server.request('/api/nodes', { token: TOKENS.bob })).status).toBe(200);
      proxy.cut();
      for (const [path, token] of [['/api/nodes', TOKENS.bob], ['/metrics', undefined]] as const) {
        const started = Date.now();
        const response = await server.request(path, { token, signal: AbortSignal.timeout(10000) });
        expect({ path, status: response.status }).toEqual({ path, status: 503 });
        expect(((await response.json()) as { message: string }).message).toMatch(/Redis did not answer within 3000 ms/);
        expect(Date.now() - started).toBeLessThan(5000);
      }
      proxy.restore();
      await waitFor('the API to answer again', async () => (await server.request('/api/nodes', { token: TOKENS.bob })).status === 200, 20000, 250);
    } finally {
      proxy.restore();
      // Rarely, under load, app.close() after a Redis cut hangs inside the library's shutdown (seen
      // 1 run in ~8; not this test's subject): bounded, so the assertions above decide the result.
      const bound = new AbortController();
      await Promise.race([server.close(), delay(20000, undefined, { signal: bound.signal }).catch(() => {})]);
      bound.abort();
      await proxy.close();
    }
  });
});

