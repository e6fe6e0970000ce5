import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { messages } from '../async-task.messages.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { TaskExits } from '../cluster/task-exits.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import { LiveLogArchiver } from '../task-log/live-log.archiver.js';
import { TaskHandover } from './task-handover.js';
import { TaskLifecycleWrites } from '../persistence/task-lifecycle.writes.js';
import type { HandoverFields } from '../persistence/task-record.store.js';

/** What is known of an attempt lost with its node. */
export type LostAttempt = Pick<AsyncTaskRecord, HandoverFields | 'executor' | 'offlineCount'>;

/**
 * What happens to an attempt lost with its process — found by the failover scan (its node stopped
 * beating) or by the node itself after a restart under the same node id (the heartbeat never lapsed,
 * so no scan would): it counts against `maxOfflineAttempts`, its partial log is kept from the live
 * stream, and it is requeued (RUNNING → OFFLINE → WAITING) — or, at the limit, ended in FAILED (CANCELLED when a user
 * interrupt was accepted), so a task that keeps killing its node does not loop forever.
 */
@Injectable()
export class LostAttemptRecovery {
  private readonly logger = new Logger(LostAttemptRecovery.name);

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly writes: TaskLifecycleWrites,
    private readonly handover: TaskHandover,
    private readonly exits: TaskExits,
    private readonly archiver: LiveLogArchiver,
  ) {}

  /** `how` completes "Task X attempt N was lost: …" in the log. False if the attempt no longer owned the record. */
  async recover(task: LostAttempt, how: string): Promise<boolean> {
    if (task.offlineCount + 1 < this.options.maxOfflineAttempts) {
      if (!(await this.handover.handOver(task, true))) return false;
      this.logger.warn(`Task ${task.id} attempt ${task.attempt} was lost: ${how}; requeued`);
      await this.archiver.archive(task.id, task.attempt, task.executor);
      return true;
    }
    const reason = messages.tooManyOfflineAttempts(task.offlineCount + 1, task.executor ?? 'unknown');
    const status = await this.writes.endLost(task.id, task.attempt, reason);
    if (status === null) return false;
    this.logger.warn(`Task ${task.id} attempt ${task.attempt} was lost: ${how}; ${status === AsyncTaskStatus.FAILED ? `failed: ${reason}` : 'cancelled (interrupted by a user)'}`);
    await this.archiver.archive(task.id, task.attempt, task.executor);
    await this.exits.announce(task.id, status);
    return true;
  }
}
