import { Inject, Injectable, Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { RateLimitedWarnings } from './rate-limited-warnings.js';
import { RedisKeys } from './redis-keys.js';
import { coalesceWrites } from './socket-write-coalescing.js';

/**
 * Opens this node's Redis connections and closes every one of them on shutdown.
 * One shared connection serves commands; subscribers and BullMQ workers get their own.
 */
@Injectable()
export class RedisConnections {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly warnings = new RateLimitedWarnings(this.logger);
  private readonly opened: Redis[] = [];
  readonly keys: RedisKeys;
  private shared: Redis | undefined;
  private bestEffortShared: Redis | undefined;

  constructor(@Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions) {
    this.keys = new RedisKeys(options.prefix);
  }

  /** Shared command connection, opened on first use (an app that fails to start leaves no socket behind). */
  get client(): Redis {
    this.shared ??= this.open('commands');
    return this.shared;
  }

  /**
   * Connection for best-effort writes (live logs, progress): during an outage its commands fail
   * within seconds instead of waiting for Redis, so callers can warn and carry on.
   */
  get bestEffort(): Redis {
    this.bestEffortShared ??= this.open('best-effort', { maxRetriesPerRequest: 1, commandTimeout: 2000 });
    return this.bestEffortShared;
  }

  /**
   * A new connection owned (and closed) by this object; `overrides` adjust its ioredis options.
   */
  open(purpose: string, overrides: RedisOptions = {}): Redis {
    const base: RedisOptions = {
      // BullMQ requires null; for our own commands it means "wait for Redis to come back" instead of failing fast.
      maxRetriesPerRequest: null,
      connectionName: `${this.options.prefix}:${this.options.nodeId}:${purpose}`,
      ...overrides,
    };
    const redis =
      typeof this.options.redis === 'string'
        ? new Redis(this.options.redis, base)
        : new Redis({ ...this.options.redis, ...base });
    redis.on('error', (error) => this.reportError(`Redis (${purpose})`, error));
    // Each (re)connection brings a new socket.
    redis.on('connect', () => coalesceWrites(redis.stream));
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
  drop(redis: Redis): void {
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
