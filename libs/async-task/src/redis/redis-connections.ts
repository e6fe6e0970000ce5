import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { RateLimitedWarnings } from './rate-limited-warnings.js';
import { RedisKeys } from './redis-keys.js';
import { createRedisClient, isCluster } from './redis-client.factory.js';
import type { RedisClient } from '../interfaces/async-task-redis-option.interface.js';
import { coalesceWrites } from './socket-write-coalescing.js';

/**
 * Opens this node's Redis connections and closes every one of them on shutdown.
 * One shared connection serves commands; subscribers and BullMQ workers get their own. Each is a
 * plain connection, a Sentinel-managed one or a Redis Cluster, as the `redis` option says.
 */
@Injectable()
export class RedisConnections {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly warnings = new RateLimitedWarnings(this.logger);
  private readonly opened: RedisClient[] = [];
  readonly keys: RedisKeys;
  private shared: RedisClient | undefined;
  private bestEffortShared: RedisClient | undefined;

  constructor(@Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions) {
    this.keys = new RedisKeys(options.prefix);
  }

  /** Shared command connection, opened on first use (an app that fails to start leaves no socket behind). */
  get client(): RedisClient {
    this.shared ??= this.open('commands');
    return this.shared;
  }

  /**
   * Connection for best-effort writes (live logs, progress): during an outage its commands fail
   * within seconds instead of waiting for Redis, so callers can warn and carry on.
   */
  get bestEffort(): RedisClient {
    this.bestEffortShared ??= this.open('best-effort', { maxRetriesPerRequest: 1, commandTimeout: 2000 });
    return this.bestEffortShared;
  }

  /**
   * A new connection owned (and closed) by this object; `overrides` adjust its ioredis options.
   */
  open(purpose: string, overrides: RedisOptions = {}): RedisClient {
    const base: RedisOptions = {
      // BullMQ requires null; for our own commands it means "wait for Redis to come back" instead of failing fast.
      maxRetriesPerRequest: null,
      connectionName: `${this.options.prefix}:${this.options.nodeId}:${purpose}`,
      ...overrides,
    };
    const redis = createRedisClient(this.options.redis, purpose, base);
    redis.on('error', (error: Error) => this.reportError(`Redis (${purpose})`, error));
    // Each (re)connection brings a new socket; a Cluster has one connection per node it talks to.
    if (isCluster(redis)) redis.on('+node', (node: Redis) => node.on('connect', () => coalesceWrites(node.stream)));
    else redis.on('connect', () => coalesceWrites(redis.stream));
    this.opened.push(redis);
    return redis;
  }

  /**
   * Logs a connection error of one source (this node's connections, BullMQ queues and workers) through
   * the Nest logger, at most once per 10 s per source: an outage makes each of them fail on every
   * reconnect attempt. BullMQ objects without an 'error' listener would print each one to stderr.
   */
  reportError(source: string, error: Error): void {
    this.warnings.warn(source, error.message);
  }

  /**
   * Drops one connection opened here, at once (a log follower's when its stream ends; QUIT would wait
   * behind its blocking read).
   */
  drop(redis: RedisClient): void {
    const index = this.opened.indexOf(redis);
    if (index >= 0) this.opened.splice(index, 1);
    redis.disconnect();
  }

  async closeAll(): Promise<void> {
    const connections = this.opened.splice(0);
    this.shared = undefined;
    this.bestEffortShared = undefined;
    await Promise.all(
      connections.map(async (redis) => {
        // QUIT on a connection that is not ready would wait in its offline queue until Redis answers.
        if (redis.status !== 'ready') return redis.disconnect();
        try {
          await redis.quit();
        } catch {
          redis.disconnect();
        }
      }),
    );
  }
}
