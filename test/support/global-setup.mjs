// Before the end-to-end suites: a local Redis Cluster (3 masters + 3 replicas, Debian's redis-server)
// they run against as well as against one Redis (test-environment.ts redisTargets). Jest loads this
// file untransformed, so it uses the compiled support code (`npm run build`, which `npm test` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../../dist/test/support/local-redis-cluster.js', import.meta.url);

export default async function globalSetup() {
  if (!existsSync(fileURLToPath(compiled))) throw new Error(`${fileURLToPath(compiled)} is missing: run \`npm run build\` first (npm test does)`);
  const { LocalRedisCluster } = await import(compiled.href);
  const cluster = await LocalRedisCluster.start(3);
  process.env.ASYNC_TASK_TEST_REDIS_CLUSTER = cluster.option.cluster.join(',');
  globalThis.asyncTaskRedisCluster = cluster;
}
