import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { messages } from '../async-task.messages.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { FailoverLock } from '../failover/failover.lock.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { PruneCounters } from './prune-counters.js';

const STATUS_OF = { success: AsyncTaskStatus.SUCCESS, failed: AsyncTaskStatus.FAILED, cancelled: AsyncTaskStatus.CANCELLED } as const;
/** Between two batches, room for the hot writes of running tasks (only ever met with a large backlog). */
const PAUSE_BETWEEN_BATCHES_MS = 10;

/**
 * Deletes ended tasks past their age (option `retention`) with their log rows, on one node at a
 * time (a cluster-wide lock), in small batches. A batch finds its candidates with a plain read (no
 * locks), then in a short READ COMMITTED transaction locks only those rows by primary key, re-checked
 * (a rerun may have revived one), and deletes them and their logs: no gap or range locks, so the
 * inserts and status writes of running tasks never wait on it.
 */
@Injectable()
export class TaskPruner {
  private readonly logger = new Logger(TaskPruner.name);
  private timer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> | undefined;
  private stopped = true;

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisConnections,
    private readonly lock: FailoverLock,
    private readonly counters: PruneCounters,
  ) {}

  /** Starts pruning every `retention.intervalMs` if any age is set; nothing runs otherwise. */
  start(): void {
    if (Object.keys(this.options.retention.maxAgeMs).length === 0) return;
    this.stopped = false;
    this.timer = setInterval(() => {
      this.pruning ??= this.pruneOnce()
        .catch((error: Error) => this.logger.error(messages.pruneFailed(error.message)))
        .finally(() => (this.pruning = undefined));
    }, this.options.retention.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pruning;
  }

  /** One pass over every status with an age, if this node gets the lock. */
  async pruneOnce(): Promise<void> {
    const ttlMs = Math.max(5000, 3 * this.options.retention.intervalMs);
    await this.lock.runExclusively(this.options.nodeId, ttlMs, async () => {
      for (const [key, maxAgeMs] of Object.entries(this.options.retention.maxAgeMs)) {
        const cutoff = new Date(Date.now() - maxAgeMs);
        while (!this.stopped && (await this.pruneBatch(STATUS_OF[key as keyof typeof STATUS_OF], cutoff)) === this.options.retention.batchSize) {
          await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_BATCHES_MS));
        }
      }
    }, this.redis.keys.retentionLock);
  }

  /** Deletes up to one batch of `status` tasks that ended before `cutoff`; answers how many candidates it found. */
  private async pruneBatch(status: AsyncTaskStatus, cutoff: Date): Promise<number> {
    const candidates = (await this.dataSource.query(
      'SELECT id FROM async_task_record WHERE status = ? AND finished_at < ? ORDER BY finished_at LIMIT ?',
      [status, cutoff, this.options.retention.batchSize],
    )) as Array<{ id: string }>;
    if (candidates.length === 0) return 0;
    const deleted = await this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const locked = (await manager.query(
        'SELECT id FROM async_task_record WHERE id IN (?) AND status = ? AND finished_at < ? FOR UPDATE',
        [candidates.map((row) => row.id), status, cutoff],
      )) as Array<{ id: string }>;
      if (locked.length === 0) return { tasks: 0, logs: 0 };
      const ids = locked.map((row) => row.id);
      const logs = (await manager.query('DELETE FROM async_task_log_record WHERE task_id IN (?)', [ids])) as { affectedRows: number };
      const tasks = (await manager.query('DELETE FROM async_task_record WHERE id IN (?)', [ids])) as { affectedRows: number };
      return { tasks: tasks.affectedRows, logs: logs.affectedRows };
    });
    if (deleted.tasks > 0) this.counters.count(deleted.tasks, deleted.logs);
    return candidates.length;
  }
}
