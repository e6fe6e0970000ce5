import { Injectable } from '@nestjs/common';
import type { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { ClusterEvents } from './cluster-events.js';

/**
 * The exit protocol: the one publisher of "this task has ended" (its runner, a cancel while queued,
 * the end of an attempt lost with its node) and the way to hear it on any node.
 */
@Injectable()
export class TaskExits {
  constructor(private readonly events: ClusterEvents) {}

  /** Tells every node that the task ended in `status` (a final status, recorded already). */
  announce(taskId: string, status: AsyncTaskStatus): Promise<void> {
    return this.events.publish({ kind: 'exit', taskId, status });
  }

  /** Calls `listener` for every task end announced on any node; resolves once listening. Returns the unsubscribe function. */
  listen(listener: (taskId: string, status: AsyncTaskStatus) => void): Promise<() => void> {
    return this.events.on('exit', (event) => listener(event.taskId, event.status));
  }
}
