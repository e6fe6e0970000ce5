import { AsyncTaskManager } from '@sfc/async-task';
import type { DashboardStats } from '../apps/server/src/stats/stats.controller.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

/** GET /api/stats over HTTP: the figures behind the dashboard's counts and charts, and who sees which. */
describe('reference server: GET /api/stats', () => {
  let server: TestServer;

  const stats = (token: string, query = '') => server.json<DashboardStats>(`/api/stats${query}`, { token });
  const submit = (token: string, body: object) => server.json<{ id: string }>('/api/tasks', { token, body });
  const sum = (minutes: DashboardStats['minutes'], pick: 'succeeded' | 'failed') => minutes.reduce((total, minute) => total + minute[pick], 0);

  beforeAll(async () => {
    server = await startTestServer();
    // Alice: two naps that succeed, a download that fails, a nap delayed by an hour; Bob: one nap.
    await submit(TOKENS.alice, { name: 'nap 1', taskType: 'sleep', params: { ms: 0 } });
    await submit(TOKENS.alice, { name: 'nap 2', taskType: 'sleep', params: { ms: 0 } });
    await submit(TOKENS.alice, { name: 'broken', taskType: 'download', params: { url: 'http://no-such-host.invalid/a.bin' } });
    await submit(TOKENS.alice, { name: 'later', taskType: 'sleep', params: { ms: 0 }, delayMs: 3_600_000 });
    await submit(TOKENS.bob, { name: 'bob nap', taskType: 'sleep', params: { ms: 0 } });
    await waitFor('every task but the delayed one to end', async () => {
      const { counts } = await stats(TOKENS.admin);
      return counts.SUCCESS === 3 && counts.FAILED === 1;
    }, 20_000, 100);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('needs a token', async () => {
    expect((await server.request('/api/stats')).status).toBe(401);
    expect((await server.request('/api/stats', { token: 'not-a-known-token' })).status).toBe(401);
  });

  it('gives a user the counts, types and last hour of their own tasks only, whatever uid they ask for', async () => {
    const alice = await stats(TOKENS.alice);
    expect(alice.counts).toEqual({ WAITING: 1, RUNNING: 0, SUCCESS: 2, FAILED: 1, CANCELLED: 0, OFFLINE: 0 });
    expect(alice.total).toBe(4);
    expect(alice.taskTypes).toEqual(['download', 'sleep']);
    expect(alice.owners).toBeUndefined(); // who else has tasks is not a user's business
    expect(alice.minutes).toHaveLength(60);
    expect(alice.minutes.map((minute) => minute.at)).toEqual([...alice.minutes.map((minute) => minute.at)].sort((a, b) => a - b));
    expect(alice.minutes.at(-1)!.at).toBeGreaterThan(Date.now() - 10_000);
    expect(sum(alice.minutes, 'succeeded')).toBe(2);
    expect(sum(alice.minutes, 'failed')).toBe(1);
    // The delayed nap waits now; a minute before it was submitted nothing waited.
    expect(alice.minutes.at(-1)!.waiting).toBe(1);
    expect(alice.minutes.slice(0, -2).every((minute) => minute.waiting === 0)).toBe(true);

    expect(await stats(TOKENS.alice, '?uid=bob')).toMatchObject({ total: 4, counts: { SUCCESS: 2, FAILED: 1 } });
    const bob = await stats(TOKENS.bob);
    expect(bob).toMatchObject({ total: 1, counts: { SUCCESS: 1, WAITING: 0 }, taskTypes: ['sleep'] });
    expect(sum(bob.minutes, 'succeeded')).toBe(1);
  });

  it('narrows to one type', async () => {
    const downloads = await stats(TOKENS.alice, '?type=download');
    expect(downloads).toMatchObject({ total: 1, counts: { FAILED: 1, SUCCESS: 0, WAITING: 0 } });
    expect(sum(downloads.minutes, 'failed')).toBe(1);
    expect(sum(downloads.minutes, 'succeeded')).toBe(0);
    expect(downloads.minutes.at(-1)!.waiting).toBe(0);
  });

  it('gives an admin everyone’s figures, the owners, and one owner’s with uid (compared exactly)', async () => {
    const all = await stats(TOKENS.admin);
    expect(all).toMatchObject({ total: 5, counts: { SUCCESS: 3, FAILED: 1, WAITING: 1 } });
    expect([...all.owners!].sort()).toEqual(['alice', 'bob']);
    expect(sum(all.minutes, 'succeeded')).toBe(3);
    expect(await stats(TOKENS.admin, '?uid=bob')).toMatchObject({ total: 1, counts: { SUCCESS: 1 } });
    expect((await stats(TOKENS.admin, '?uid=ALICE')).total).toBe(0);
  });

  it('samples the load of the cluster’s worker nodes', async () => {
    const nodeId = server.app.get(AsyncTaskManager).nodeId;
    const sample = await waitFor('a load sample of this node', async () =>
      (await stats(TOKENS.alice)).nodeLoad.flatMap((entry) => entry.nodes).find((node) => node.nodeId === nodeId));
    expect(sample.maxLoad).toBeGreaterThan(0);
    expect(sample.load).toBe(0);
  });
});
