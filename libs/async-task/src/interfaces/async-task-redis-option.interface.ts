import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';

/** A Redis Cluster: some of its nodes (the rest are discovered) and ioredis `ClusterOptions`. */
export interface AsyncTaskRedisCluster {
  /** Startup nodes: `'host:port'`, a port, or `{ host, port }`. One reachable node is enough. */
  cluster: ClusterNode[];
  /** ioredis `ClusterOptions` (e.g. `{ redisOptions: { password } }`); functions are kept. */
  options?: ClusterOptions;
}

/**
 * Makes one new connection each time it is called; the library owns (and closes) what it returns.
 * `purpose` says what the connection is for (`commands`, `events`, `receiver:<type>`, `heartbeat`…).
 * Its connections are used as they are made: give them `maxRetriesPerRequest: null` (BullMQ workers
 * require it). For the heartbeat thread the factory's connection is only read for its options
 * (functions kept) and closed; the thread opens its own from them.
 */
export type AsyncTaskRedisFactory = (purpose: string) => Redis | Cluster;

/**
 * Where Redis is: a `redis://`/`rediss://` URL, a `redis-sentinel://` URL, ioredis options (one
 * server, or Sentinel with `sentinels` + `name`), a Redis Cluster, or a factory of connections.
 */
export type AsyncTaskRedisOption = string | RedisOptions | AsyncTaskRedisCluster | AsyncTaskRedisFactory;

/** A connection the library uses: one server (direct or through Sentinel) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;
