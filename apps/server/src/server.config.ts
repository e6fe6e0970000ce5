import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { AsyncTaskRedisOption, RetentionOptions } from '@sfc/async-task';
import { parseTokens, type TokenTable } from './auth/token-table.js';
import type { DownloadPolicy } from './tasks/guarded-http.js';

/** The reference server's settings, all from the environment (with development defaults). */
export interface ServerConfig {
  port: number;
  /**
   * The library's `redis` option: REDIS_CLUSTER_NODES ("host:port,host:port…", a Redis Cluster) when
   * set, else REDIS_URL (`redis://`, `rediss://` or `redis-sentinel://host:26379[,…]/masterName`).
   */
  redis: AsyncTaskRedisOption;
  mysqlUrl: string;
  /** `false` = API-only node: it submits and controls tasks but runs none. */
  worker: boolean;
  prefix: string;
  /** Absolute folder where sample tasks read and write files (downloads, transcodes), one sub-folder per user. */
  dataDir: string;
  /** What downloads may reach (DOWNLOAD_ALLOW_PRIVATE), how much (DOWNLOAD_MAX_BYTES) and for how long (DOWNLOAD_TIMEOUT_MS). */
  download: DownloadPolicy;
  /** Followed logs (`?follow=1`) one user may hold open on this node (FOLLOWS_PER_USER); more answer 429. */
  followsPerUser: number;
  /** Bearer token → caller. */
  tokens: TokenTable;
  /** True when TOKENS was unset and the development tokens are in use (printed at start-up). */
  devTokens: boolean;
  /**
   * Retention of ended tasks (RETENTION_SUCCESS_MS, RETENTION_FAILED_MS, RETENTION_CANCELLED_MS: age
   * after the end, per final status; RETENTION_INTERVAL_MS). Unset: every task is kept.
   */
  retention?: RetentionOptions;
}

/** Used when TOKENS is unset, so `npm start` works at once; printed at start-up with a warning. */
export const DEV_TOKENS = 'dev-user=dev-user,dev-admin=*';

export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
  const devTokens = !env.TOKENS;
  return {
    port,
    redis: redisFromEnv(env),
    mysqlUrl: env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/async_task',
    worker: (env.WORKER ?? 'true') !== 'false',
    prefix: env.ASYNC_TASK_PREFIX ?? 'async-task',
    dataDir: resolve(env.DATA_DIR ?? '.data'),
    download: {
      allowPrivate: readAddressList(env.DOWNLOAD_ALLOW_PRIVATE),
      maxBytes: readWhole(env, 'DOWNLOAD_MAX_BYTES', 1024 ** 3),
      timeoutMs: readWhole(env, 'DOWNLOAD_TIMEOUT_MS', 10 * 60 * 1000),
    },
    followsPerUser: readWhole(env, 'FOLLOWS_PER_USER', 10),
    tokens: parseTokens(env.TOKENS || DEV_TOKENS),
    devTokens,
    retention: readRetention(env),
  };
}

function redisFromEnv(env: NodeJS.ProcessEnv): AsyncTaskRedisOption {
  const nodes = env.REDIS_CLUSTER_NODES?.split(',').map((node) => node.trim()).filter(Boolean);
  if (nodes?.length) {
    // Cluster nodes' password, if any, rides in REDIS_PASSWORD (each node of a cluster has the same).
    return { cluster: nodes, options: env.REDIS_PASSWORD ? { redisOptions: { password: env.REDIS_PASSWORD } } : {} };
  }
  return env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** The library checks the values (and names the bad one); here they are only read as numbers. */
function readRetention(env: NodeJS.ProcessEnv): RetentionOptions | undefined {
  const number = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : Number(env[name]));
  const maxAgeMs = Object.fromEntries(
    (['success', 'failed', 'cancelled'] as const)
      .map((status) => [status, number(`RETENTION_${status.toUpperCase()}_MS`)] as const)
      .filter(([, age]) => age !== undefined),
  );
  if (Object.keys(maxAgeMs).length === 0) return undefined;
  const intervalMs = number('RETENTION_INTERVAL_MS');
  return { maxAgeMs, ...(intervalMs === undefined ? {} : { intervalMs }) };
}

function readWhole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${text}"`);
  return value;
}

/** `10.0.0.5,192.168.1.0/24,::1`: addresses or CIDR ranges, checked here so a typo fails at start-up. */
function readAddressList(text: string | undefined): string[] {
  const entries = (text ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`DOWNLOAD_ALLOW_PRIVATE entry "${entry}" is not an IP address or CIDR range (like 10.0.0.0/8)`);
    }
  }
  return entries;
}

/** Injection token of the ServerConfig. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
