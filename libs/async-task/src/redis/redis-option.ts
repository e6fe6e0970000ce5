import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { messages } from '../async-task.messages.js';

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

export function isClusterOption(option: AsyncTaskRedisOption): option is AsyncTaskRedisCluster {
  return typeof option === 'object' && option !== null && 'cluster' in option;
}

const SENTINEL_URL = /^redis-sentinel:\/\//;

/**
 * `redis-sentinel://[[user]:password@]host[:port][,host[:port]…]/masterName[?db=N&sentinelPassword=…]`
 * as ioredis options. The credentials are the Redis server's; Sentinel's own go in `sentinelPassword`.
 */
export function parseSentinelUrl(url: string): RedisOptions {
  const masked = maskUrl(url);
  const match = /^redis-sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)\/([^/?]+)\/?(?:\?(.*))?$/.exec(url);
  if (!match) throw new Error(messages.redisSentinelUrl(masked));
  const [, username, password, hosts, name, query] = match;
  const sentinels = hosts.split(',').map((hostPort) => {
    const [host, port] = hostPort.split(':');
    if (!host || (port !== undefined && !/^\d+$/.test(port))) throw new Error(messages.redisSentinelAddress(hostPort, masked));
    return { host, port: port === undefined ? 26379 : Number(port) };
  });
  const params = new URLSearchParams(query ?? '');
  const options: RedisOptions = { sentinels, name: decodeURIComponent(name) };
  if (username) options.username = decodeURIComponent(username);
  if (password) options.password = decodeURIComponent(password);
  if (params.has('db')) options.db = Number(params.get('db'));
  if (params.has('sentinelPassword')) options.sentinelPassword = params.get('sentinelPassword')!;
  if (params.has('sentinelUsername')) options.sentinelUsername = params.get('sentinelUsername')!;
  return options;
}

export function isSentinelUrl(option: AsyncTaskRedisOption): option is string {
  return typeof option === 'string' && SENTINEL_URL.test(option);
}

/** Why `option` is not a usable `redis` option, or undefined when it is. */
export function redisOptionProblem(option: unknown): string | undefined {
  if (typeof option === 'function') return undefined;
  if (typeof option === 'string') {
    if (SENTINEL_URL.test(option)) {
      try {
        parseSentinelUrl(option);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    }
    return /^rediss?:\/\//.test(option) ? undefined : messages.redisUrlScheme(maskUrl(option));
  }
  if (typeof option !== 'object' || option === null || Array.isArray(option)) return messages.redisOptionKind();
  if ('cluster' in option) {
    const nodes = (option as { cluster: unknown }).cluster;
    if (!Array.isArray(nodes) || nodes.length === 0) return messages.redisClusterNodes();
  }
  return undefined;
}

/** Where Redis is, for logs and errors (passwords masked). */
export function describeRedis(option: AsyncTaskRedisOption): string {
  if (typeof option === 'function') return 'the connections of the redis factory';
  if (typeof option === 'string') return maskUrl(option);
  if (isClusterOption(option)) return `Redis Cluster ${option.cluster.map(describeNode).join(',')}`;
  if (option.sentinels?.length) {
    return `master "${option.name ?? 'mymaster'}" of Sentinel ${option.sentinels.map((s) => `${s.host ?? '127.0.0.1'}:${s.port ?? 26379}`).join(',')}`;
  }
  return `${option.host ?? '127.0.0.1'}:${option.port ?? 6379}`;
}

function describeNode(node: ClusterNode): string {
  if (typeof node === 'object') return `${node.host ?? '127.0.0.1'}:${node.port ?? 6379}`;
  return String(node);
}

function maskUrl(url: string): string {
  // URL() cannot parse a list of hosts; mask the userinfo by hand.
  return url.replace(/^([a-z-]+:\/\/)([^@/]*:)[^@/]*@/, '$1$2***@');
}
