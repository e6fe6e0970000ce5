import { LocalRedisCluster } from '../../test/support/local-redis-cluster.js';

let started: Promise<LocalRedisCluster> | undefined;

/**
 * The bench's own Redis Cluster (3 masters + 3 replicas from Debian's redis-server, private loopback
 * ports), started the first time a contender needs it and stopped by stopBenchRedisCluster().
 */
export function benchRedisCluster(): Promise<LocalRedisCluster> {
  started ??= LocalRedisCluster.start(3);
  return started;
}

export async function stopBenchRedisCluster(): Promise<void> {
  const cluster = await started?.catch(() => undefined);
  started = undefined;
  await cluster?.stop();
}
