import type { ClusterNode, RedisOptions } from 'ioredis';
import { messages } from '../async-task.messages.js';
import type { AsyncTaskRedisCluster, AsyncTaskRedisOption } from '../interfaces/async-task-redis-option.interface.js';

// Reading the `redis` option: its kinds, the redis-sentinel:// URL form, validation, and where it points.

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
