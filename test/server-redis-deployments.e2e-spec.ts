import { AsyncTaskStatus } from '@sfc/async-task';
import { DataSource } from 'typeorm';
import { ServiceProbes } from '../apps/server/src/health/service-probes.js';
import { loadServerConfig } from '../apps/server/src/server.config.js';
import { LocalRedisSentinel } from './support/local-redis-cluster.js';
import { redisClusterOption } from './support/test-environment.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

// The reference server configured for a Redis Cluster (REDIS_CLUSTER_NODES) or Sentinel
// (REDIS_URL=redis-sentinel://…): its tasks run there and /health probes that same Redis.
describe('reference server on a Redis Cluster and behind Sentinel', () => {
  const servers: TestServer[] = [];
  let sentinel: LocalRedisSentinel | undefined;

  afterAll(async () => {
    for (const server of servers) await server.close();
    await sentinel?.stop();
  });

  it('reads the Redis deployment from the environment', () => {
    expect(loadServerConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7001, 10.0.0.2:7002', REDIS_PASSWORD: 'pw' }).redis).toEqual({
      cluster: ['10.0.0.1:7001', '10.0.0.2:7002'],
      options: { redisOptions: { password: 'pw' } },
    });
    expect(loadServerConfig({ REDIS_URL: 'redis-sentinel://s1:26379,s2:26379/mymaster' }).redis).toBe('redis-sentinel://s1:26379,s2:26379/mymaster');
  });

  async function runsASleepTask(server: TestServer): Promise<void> {
    const task = await server.json('/api/tasks', { token: TOKENS.alice, body: { name: 'nap', taskType: 'sleep', params: { ms: 200 } } });
    const done = await waitFor('the task to succeed', async () => {
      const read = await server.json(`/api/tasks/${task.id}`, { token: TOKENS.alice });
      return read.status === AsyncTaskStatus.SUCCESS ? read : undefined;
    });
    expect(done).toMatchObject({ name: 'nap', status: AsyncTaskStatus.SUCCESS });
  }

  it('runs tasks on a Redis Cluster and reports it up on /health', async () => {
    const server = await startTestServer({ redis: redisClusterOption() });
    servers.push(server);
    await runsASleepTask(server);
    const health = await server.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'up', redis: { up: true, mode: 'cluster' }, mysql: { up: true } });
  });

  it('runs tasks behind Sentinel (redis-sentinel:// URL) and reports it up on /health', async () => {
    sentinel = await LocalRedisSentinel.start();
    const server = await startTestServer({ redis: sentinel.url });
    servers.push(server);
    await runsASleepTask(server);
    const health = await server.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'up', redis: { up: true, mode: 'single' } });
  });

  it('reports a Redis Cluster that does not answer as down', async () => {
    const server = servers[0];
    const probes = new ServiceProbes({ ...server.config, redis: { cluster: ['127.0.0.1:1'] } }, server.app.get(DataSource));
    try {
      expect(await probes.redisUp()).toMatchObject({ up: false, mode: 'cluster', error: expect.any(String) });
    } finally {
      await probes.onApplicationShutdown();
    }
  });
});
