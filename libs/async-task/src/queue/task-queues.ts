import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisConnections } from '../redis/redis-connections.js';
import type { QueuedTaskSnapshot } from './queued-task.snapshot.js';
import { jobIdOf } from '../redis/redis-keys.js';
import { type ItemOutcome, WriteBatcher } from '../persistence/write-batcher.js';

/** One queue entry to add. */
export interface Publication {
  taskType: string;
  data: TaskJobData;
  priority: number;
  delayMs: number;
}

/** What a queue entry carries: enough to decide admission and fence the claim without a query. */
export interface TaskJobData {
  taskId: string;
  /** The record's attempt count when published; the claim succeeds only if it is unchanged. */
  attempt: number;
  cpuOverhead: number;
  /** The record's unchanging fields, on an entry published at submit (see queued-task.snapshot.ts). */
  snapshot?: QueuedTaskSnapshot;
}

/**
 * Publishing side of the per-task-type BullMQ queues; one Queue object per type, opened lazily.
 * Entries published at about the same time go to Redis together (one addBulk per type, one round trip).
 */
@Injectable()
export class TaskQueues {
  private readonly queues = new Map<string, Queue<TaskJobData>>();
  private readonly publications = new WriteBatcher<Publication, void>((batch) => this.publishNow(batch), {
    maxBatch: 100,
    maxInFlight: 2,
  });

  constructor(private readonly redis: RedisConnections) {}

  get(taskType: string): Queue<TaskJobData> {
    let queue = this.queues.get(taskType);
    if (!queue) {
      queue = new Queue<TaskJobData>(this.redis.keys.queueName(taskType), {
        connection: this.redis.client,
        prefix: this.redis.keys.prefix,
      });
      // Without a listener BullMQ prints every connection error of an outage to stderr.
      queue.on('error', (error) => this.redis.reportError(`BullMQ queue "${taskType}"`, error));
      this.queues.set(taskType, queue);
    }
    return queue;
  }

  /**
   * Adds the queue entry of one attempt. Idempotent: the job id is derived from (task, attempt), so
   * publishing twice never makes two entries. BullMQ priority: lower runs sooner, ours is the reverse.
   */
  publish(taskType: string, data: TaskJobData, priority: number, delayMs: number): Promise<void> {
    return this.publications.write({ taskType, data, priority, delayMs });
  }

  /**
   * Adds entries gathered by the caller (a batch of submissions) through the same batcher as
   * `publish`, so they leave together; each settles with its own outcome.
   */
  publishAll(publications: Publication[]): Array<Promise<void>> {
    return this.publications.writeAll(publications);
  }

  /** Adds these entries now, in one round trip per task type; each gets its own outcome. */
  private async publishNow(batch: Publication[]): Promise<Array<ItemOutcome<void>>> {
    const byType = new Map<string, Publication[]>();
    for (const publication of batch) {
      const entries = byType.get(publication.taskType);
      if (entries) entries.push(publication);
      else byType.set(publication.taskType, [publication]);
    }
    const failed = new Map<string, unknown>();
    await Promise.all(
      [...byType].map(([taskType, entries]) =>
        this.get(taskType)
          .addBulk(
            entries.map(({ data, priority, delayMs }) => ({
              name: taskType,
              data,
              opts: {
                jobId: jobIdOf(data.taskId, data.attempt),
                priority: 1001 - priority,
                delay: delayMs > 0 ? delayMs : undefined,
                removeOnComplete: true,
                removeOnFail: true,
              },
            })),
          )
          .catch((error: unknown) => void failed.set(taskType, error)),
      ),
    );
    return batch.map(({ taskType }) => (failed.has(taskType) ? { error: failed.get(taskType) } : { value: undefined }));
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
