import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { AsyncTaskRedisOption, RedisClient } from '../interfaces/async-task-redis-option.interface.js';
import { isClusterOption, isSentinelUrl, parseSentinelUrl } from '../config/redis-option.js';

/**
 * A new connection to Redis as the `redis` option of `AsyncTaskModule` describes it — one server,
 * Sentinel or Redis Cluster — the way the library opens its own (e.g. for a health check that must
 * reach the same Redis). `overrides` are ioredis options applied on top of the user's; on a Cluster
 * they apply to the connection of every node, and `lazyConnect`, `enableOfflineQueue` and
 * `retryStrategy` to the cluster as a whole too. A factory's connection is returned as it is made.
 * The caller closes it.
 */
export function createRedisClient(option: AsyncTaskRedisOption, purpose: string, overrides: RedisOptions = {}): RedisClient {
  if (typeof option === 'function') return option(purpose);
  if (isClusterOption(option)) {
    const clusterOptions = option.options ?? {};
    const { lazyConnect, enableOfflineQueue, retryStrategy } = overrides;
    return new Cluster(option.cluster, {
      ...clusterOptions,
      ...(lazyConnect !== undefined && { lazyConnect }),
      ...(enableOfflineQueue !== undefined && { enableOfflineQueue }),
      ...(retryStrategy !== undefined && { clusterRetryStrategy: retryStrategy }),
      redisOptions: { ...clusterOptions.redisOptions, ...overrides },
    });
  }
  if (isSentinelUrl(option)) return new Redis({ ...parseSentinelUrl(option), ...overrides });
  return typeof option === 'string' ? new Redis(option, overrides) : new Redis({ ...option, ...overrides });
}

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}
