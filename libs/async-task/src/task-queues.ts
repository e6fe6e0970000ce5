import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisConnections } from './redis-connections.js';
import type { QueuedTaskSnapshot } from './queued-task.js';
import { jobIdOf } from './redis-keys.js';

/** What a queue entry carries: enough to decide admission and fence the claim without a query. */
export interface TaskJobData {
  taskId: string;
  /** The record's attempt count when published; the claim succeeds only if it is unchanged. */
  attempt: number;
  cpuOverhead: number;
  /** The record's unchanging fields, on an entry published at submit (see queued-task.ts). */
  snapshot?: QueuedTaskSnapshot;
}

/** Publishing side of the per-task-type BullMQ queues; one Queue object per type, opened lazily. */
@Injectable()
export class TaskQueues {
  private readonly queues = new Map<string, Queue<TaskJobData>>();

  constructor(private readonly redis: RedisConnections) {}

  get(taskType: string): Queue<TaskJobData> {
    let queue = this.queues.get(taskType);
    if (!queue) {
      queue = new Queue<TaskJobData>(this.redis.keys.queueName(taskType), {
        connection: this.redis.client,
        prefix: this.redis.keys.prefix,
      });
      this.queues.set(taskType, queue);
    }
    return queue;
  }

  /**
   * Adds the queue entry of one attempt. Idempotent: the job id is derived from (task, attempt), so
   * publishing twice never makes two entries. BullMQ priority: lower runs sooner, ours is the reverse.
   */
  async publish(taskType: string, data: TaskJobData, priority: number, delayMs: number): Promise<void> {
    await this.get(taskType).add(taskType, data, {
      jobId: jobIdOf(data.taskId, data.attempt),
      priority: 1001 - priority,
      delay: delayMs > 0 ? delayMs : undefined,
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** Removes an attempt's entry if it is still queued (best effort: the claim's fencing covers the rest). */
  async remove(taskType: string, taskId: string, attempt: number): Promise<void> {
    try {
      await this.get(taskType).remove(jobIdOf(taskId, attempt));
    } catch {
      // A locked (just fetched) entry cannot be removed; its claim will fail on the status check.
    }
  }

  async closeAll(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((queue) => queue.close()));
  }
}
