import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { messages } from '../async-task.messages.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { ASYNC_TASK_ENTITIES } from '../entities/index.js';
import { AsyncTaskSetupError } from '../errors/async-task-setup.error.js';
import { RedisUnreachableError } from '../errors/redis-unreachable.error.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { withTimeout } from '../util/with-timeout.js';
import { describeError } from '../util/describe-error.js';
import { describeRedis } from '../config/redis-option.js';

/**
 * What must hold before a node starts: its entities known to the host's DataSource, their tables
 * migrated, Redis answering. A misconfigured app then fails at start-up with an error that says what
 * to add, instead of logging "successfully started" and failing every request afterwards.
 */
@Injectable()
export class StartupChecks {
  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisConnections,
  ) {}

  async run(): Promise<void> {
    await this.checkDatabase();
    await this.checkRedis();
  }

  private async checkDatabase(): Promise<void> {
    for (const entity of ASYNC_TASK_ENTITIES) {
      if (!this.dataSource.hasMetadata(entity)) throw new AsyncTaskSetupError(messages.entitiesNotRegistered);
      const metadata = this.dataSource.getMetadata(entity);
      try {
        // Names every mapped column, so a table from an older migration fails here too, not at the first write.
        await this.dataSource.createQueryBuilder(entity, 'row').select('row').where('1 = 0').getRawMany();
      } catch (error) {
        const detail = (error as { code?: string }).code ?? describeError(error);
        throw new AsyncTaskSetupError(messages.tableNotReady(metadata.tableName, detail));
      }
    }
  }

  private async checkRedis(): Promise<void> {
    const client = this.redis.client;
    let lastError = 'no answer';
    const remember = (error: Error) => (lastError = error.message);
    client.on('error', remember);
    try {
      await withTimeout(client.ping(), this.options.startupTimeoutMs, 'Redis PING');
    } catch {
      // Nest runs no shutdown hooks after a failed start: close what we opened, or the process hangs on reconnects.
      await this.redis.closeAll();
      throw new RedisUnreachableError(describeRedis(this.options.redis), this.options.startupTimeoutMs, lastError);
    } finally {
      client.off('error', remember);
    }
  }
}
