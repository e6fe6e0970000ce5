import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { isClusterOption, isSentinelUrl, parseSentinelUrl, type AsyncTaskRedisOption, type RedisClient } from './redis-option.js';

/**
 * A new connection to the configured Redis — one server, Sentinel or Cluster — with `overrides`
 * (our per-purpose ioredis settings) applied on top of the user's. On a Cluster they apply to the
 * connection of every node (`redisOptions`). A factory's connection is used as it is made.
 */
export function createRedisClient(option: AsyncTaskRedisOption, purpose: string, overrides: RedisOptions): RedisClient {
  if (typeof option === 'function') return option(purpose);
  if (isClusterOption(option)) {
    const clusterOptions = option.options ?? {};
    return new Cluster(option.cluster, {
      ...clusterOptions,
      redisOptions: { ...clusterOptions.redisOptions, ...overrides },
    });
  }
  if (isSentinelUrl(option)) return new Redis({ ...parseSentinelUrl(option), ...overrides });
  return typeof option === 'string' ? new Redis(option, overrides) : new Redis({ ...option, ...overrides });
}

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}
