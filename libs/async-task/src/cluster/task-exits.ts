import { Injectable } from '@nestjs/common';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { ClusterEvents } from './cluster-events.js';
import { subjectOf } from './task-event-subject.js';

/**
 * The exit protocol: the one publisher of "this task has ended" (its runner, a cancel while queued,
 * the end of an attempt lost with its node) and the way to hear it on any node.
 */
@Injectable()
export class TaskExits {
  constructor(private readonly events: ClusterEvents) {}

  /**
   * Tells every node that the task ended in `status` (a final status, recorded already). The record's
   * owner, name and type ride along, so live views can filter ends without reading MySQL.
   */
  announce(taskId: string, status: AsyncTaskStatus, record?: Partial<Pick<AsyncTaskRecord, 'uid' | 'name' | 'taskType'>>): Promise<void> {
    return this.events.publish({ kind: 'exit', status, ...subjectOf(taskId, record) });
  }

  /** Tells every node that an attempt failed and the task waits for its retry (WAITING until `runAfter`). */
  announceRetry(
    record: Pick<AsyncTaskRecord, 'id' | 'attempt' | 'retryCount'> & Partial<Pick<AsyncTaskRecord, 'uid' | 'name' | 'taskType'>>,
    runAfter: Date,
    failedReason: string | null,
  ): Promise<void> {
    return this.events.publish({
      kind: 'retry',
      ...subjectOf(record.id, record),
      attempt: record.attempt,
      retryCount: record.retryCount + 1,
      runAfter: runAfter.toISOString(),
      failedReason,
    });
  }

  /** Calls `listener` for every task end announced on any node; resolves once listening. Returns the unsubscribe function. */
  listen(listener: (taskId: string, status: AsyncTaskStatus) => void): Promise<() => void> {
    return this.events.on('exit', (event) => listener(event.taskId, event.status));
  }
}
