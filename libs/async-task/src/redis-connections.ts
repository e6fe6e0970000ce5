import { Inject, Injectable, Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { ASYNC_TASK_RESOLVED_OPTIONS } from './async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { RedisKeys } from './redis-keys.js';

/**
 * Opens this node's Redis connections and closes every one of them on shutdown.
 * One shared connection serves commands; subscribers and BullMQ workers get their own.
 */
@Injectable()
export class RedisConnections {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly opened: Redis[] = [];
  readonly keys: RedisKeys;
  private shared: Redis | undefined;

  constructor(@Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions) {
    this.keys = new RedisKeys(options.prefix);
  }

  /** Shared command connection, opened on first use (an app that fails to start leaves no socket behind). */
  get client(): Redis {
    this.shared ??= this.open('commands');
    return this.shared;
  }

  /** A new connection owned (and closed) by this object. */
  open(purpose: string): Redis {
    const base: RedisOptions = {
      // BullMQ requires null; for our own commands it means "wait for Redis to come back" instead of failing fast.
      maxRetriesPerRequest: null,
      connectionName: `${this.options.prefix}:${this.options.nodeId}:${purpose}`,
    };
    const redis =
      typeof this.options.redis === 'string'
        ? new Redis(this.options.redis, base)
        : new Redis({ ...this.options.redis, ...base });
    redis.on('error', (error) => this.logger.warn(`Redis (${purpose}): ${error.message}`));
    this.opened.push(redis);
    return redis;
  }

  async closeAll(): Promise<void> {
    const connections = this.opened.splice(0);
    this.shared = undefined;
    await Promise.all(
      connections.map(async (redis) => {
        try {
          await redis.quit();
        } catch {
          redis.disconnect();
        }
      }),
    );
  }
}
