import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from './async-task.constants.js';
import { AsyncTaskExecutor } from './async-task.executor.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { RedisConnections } from './redis-connections.js';
import { TaskRecordStore } from './task-record.store.js';

/**
 * Safety nets for this node's running tasks, behind the fast paths: picks up interrupts whose
 * pub/sub message was missed (Redis reconnect), and stops attempts that no longer own their record
 * (the failover scan took them over while this node looked dead), so two nodes never both run one.
 */
@Injectable()
export class ExecutionSupervisor {
  private readonly logger = new Logger(ExecutionSupervisor.name);
  private timer: NodeJS.Timeout | undefined;
  private lastOwnershipCheck = Date.now();
  private checking = false;

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly executor: AsyncTaskExecutor,
    private readonly redis: RedisConnections,
    private readonly records: TaskRecordStore,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.options.heartbeatIntervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const attempts = this.executor.runningAttempts();
    if (this.checking || attempts.length === 0) return;
    this.checking = true;
    try {
      const pipeline = this.redis.client.pipeline();
      for (const { taskId } of attempts) pipeline.exists(this.redis.keys.interruptFlag(taskId));
      const flags = (await pipeline.exec()) ?? [];
      for (const [i, { taskId }] of attempts.entries()) if (flags[i]?.[1] === 1) await this.executor.interruptLocal(taskId);

      if (Date.now() - this.lastOwnershipCheck >= this.options.nodeTimeoutMs) {
        this.lastOwnershipCheck = Date.now();
        const owned = await this.records.stillRunning(attempts);
        for (const { taskId, attempt } of attempts) {
          if (owned.has(taskId)) continue;
          this.logger.warn(`Task ${taskId} attempt ${attempt} was taken over by another node; stopping it here`);
          this.executor.abandon(taskId, 'The task was taken over by another node');
        }
      }
    } catch (error) {
      this.logger.warn(`Supervising running tasks failed: ${(error as Error).message}`);
    } finally {
      this.checking = false;
    }
  }
}
