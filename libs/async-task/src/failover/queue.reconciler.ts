import { Injectable, Logger } from '@nestjs/common';
import { RedisConnections } from '../redis/redis-connections.js';
import { jobIdOf } from '../redis/redis-keys.js';
import { TaskQueues } from '../queue/task-queues.js';
import { TaskRecordStore } from '../persistence/task-record.store.js';
import { existsEach } from '../redis/slot-groups.js';

const PAGE_SIZE = 500;
/** WAITING tasks younger than this may still be on their way into the queue; leave them alone. */
export const SETTLE_MS = 5000;

/**
 * MySQL is the source of truth: a task that is WAITING there but has no entry in its queue (Redis
 * lost its data, or publishing failed at submit) is published again. Idempotent: job ids derive from
 * (task, attempt), and the claim is fenced on the attempt.
 */
@Injectable()
export class QueueReconciler {
  private readonly logger = new Logger(QueueReconciler.name);

  constructor(
    private readonly redis: RedisConnections,
    private readonly records: TaskRecordStore,
    private readonly queues: TaskQueues,
  ) {}

  /** Returns how many tasks were republished. */
  async republishMissing(): Promise<number> {
    const olderThan = new Date(Date.now() - SETTLE_MS);
    let afterId = '';
    let republished = 0;
    for (;;) {
      const page = await this.records.findWaiting(afterId, olderThan, PAGE_SIZE);
      if (page.length === 0) break;
      afterId = page[page.length - 1].id;
      // One pipeline per queue (each task type's keys share a slot).
      const exists = await existsEach(this.redis.client, page.map((task) => this.redis.keys.job(task.taskType, jobIdOf(task.id, task.attempt))));
      for (const [i, task] of page.entries()) {
        if (exists[i]) continue;
        const delayMs = task.runAfter ? Math.max(0, task.runAfter.getTime() - Date.now()) : 0;
        await this.queues.publish(task.taskType, { taskId: task.id, attempt: task.attempt, cpuOverhead: task.cpuOverhead }, task.priority, delayMs);
        republished++;
      }
      if (page.length < PAGE_SIZE) break;
    }
    if (republished > 0) this.logger.warn(`Republished ${republished} waiting task(s) missing from their queues`);
    return republished;
  }
}
