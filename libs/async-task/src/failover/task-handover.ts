import { Injectable, Logger } from '@nestjs/common';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import { retryTransient } from '../persistence/retry-transient.js';
import { TaskQueues } from '../queue/task-queues.js';
import { type HandoverFields, TaskRecordStore } from '../persistence/task-record.store.js';

/**
 * Moves a running attempt back into the queue: RUNNING → OFFLINE → WAITING and a fresh queue entry for the next
 * attempt. Used when a node shuts down (its own tasks) and by the failover scan (a dead node's).
 */
@Injectable()
export class TaskHandover {
  private readonly logger = new Logger(TaskHandover.name);

  constructor(
    private readonly records: TaskRecordStore,
    private readonly queues: TaskQueues,
  ) {}

  /** False if the attempt no longer owned the record (it ended, or was already handed over). */
  async handOver(record: Pick<AsyncTaskRecord, HandoverFields>, nodeDied: boolean): Promise<boolean> {
    const { id, attempt } = record;
    const offline = await retryTransient(`Marking task ${id} offline`, () => this.records.markOffline(id, attempt, nodeDied), this.logger);
    if (!offline) return false;
    await this.requeue(record);
    return true;
  }

  /** OFFLINE → WAITING and publish; safe to repeat (the queue entry's id is derived from the attempt). */
  async requeue(record: Pick<AsyncTaskRecord, HandoverFields>): Promise<void> {
    const { id, attempt } = record;
    const waiting = await retryTransient(`Requeueing task ${id}`, () => this.records.requeueOffline(id, attempt), this.logger);
    if (!waiting) return;
    await this.queues.publish(record.taskType, { taskId: id, attempt, cpuOverhead: record.cpuOverhead }, record.priority, 0);
  }
}
