import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { AsyncTaskExecutor } from './async-task.executor.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { TaskInterrupts } from '../cluster/task-interrupts.js';
import { withTimeout } from '../util/with-timeout.js';
import { LostAttemptRecovery } from '../failover/lost-attempt.recovery.js';
import { TaskHandover } from '../failover/task-handover.js';
import { TaskRecordStore } from '../persistence/task-record.store.js';
import { describeError } from '../util/describe-error.js';

const CHECK_TIMEOUT_MS = 15_000;

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
  /** When this node started working: RUNNING records under its id started earlier are lost attempts. */
  private startedAt = Date.now();
  /** Until when a check is under way (a stuck one is abandoned after CHECK_TIMEOUT_MS). */
  private checking = 0;

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly executor: AsyncTaskExecutor,
    private readonly interrupts: TaskInterrupts,
    private readonly records: TaskRecordStore,
    private readonly handover: TaskHandover,
    private readonly lostAttempts: LostAttemptRecovery,
  ) {}

  start(): void {
    // Claims made from now on are this process's; the first check (one heartbeat from now) looks for
    // attempts an earlier process under this node id left behind.
    this.startedAt = Date.now();
    this.lastOwnershipCheck = 0;
    this.timer = setInterval(
      () => void withTimeout(this.check(), CHECK_TIMEOUT_MS, 'Supervising running tasks').catch((error: unknown) => this.logger.warn(describeError(error))),
      this.options.heartbeatIntervalMs,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Attempts this node runs that no longer own their record: stop them here. */
  private async stopTakenOver(attempts: Array<{ taskId: string; attempt: number }>): Promise<void> {
    const owned = await this.records.stillRunning(attempts);
    for (const { taskId, attempt } of attempts) {
      if (owned.has(taskId)) continue;
      // Not abandoned if it ended meanwhile: then the record changed because of its own final write.
      if (this.executor.abandon(taskId, 'The task was taken over by another node')) {
        this.logger.warn(`Task ${taskId} attempt ${attempt} was taken over by another node; stopped it here`);
      }
    }
  }

  /**
   * Records RUNNING on this node that it does not run. The node is alive, so no failover scan would
   * touch them. Started before this node started: an earlier process under the same node id died with
   * them (a fixed id restarted at once, e.g. a StatefulSet pod) — lost attempts, counted and kept like
   * a failover's, so a task that kills its node cannot loop forever. Otherwise a claim whose answer was
   * lost, or whose start failed half-way (e.g. the database went away between claim and read): handed
   * back to the queue, not counted.
   */
  private async handBackOrphans(): Promise<void> {
    for (const task of await this.records.findRunningOn(this.options.nodeId)) {
      if (this.executor.isTracking(task.id)) continue;
      if (task.startedAt && task.startedAt.getTime() < this.startedAt) {
        await this.lostAttempts.recover(task, `node ${this.options.nodeId} restarted while running it`);
        continue;
      }
      if (await this.handover.handOver(task, false)) {
        this.logger.warn(`Task ${task.id} was recorded as running here but was not; handed back to the queue`);
      }
    }
  }

  private async check(): Promise<void> {
    const attempts = this.executor.runningAttempts();
    if (this.checking > Date.now()) return;
    this.checking = Date.now() + CHECK_TIMEOUT_MS;
    try {
      if (Date.now() - this.lastOwnershipCheck >= this.options.nodeTimeoutMs) {
        this.lastOwnershipCheck = Date.now();
        await this.stopTakenOver(attempts);
        await this.handBackOrphans();
      }
      const flagged = await this.interrupts.flagged(attempts.map(({ taskId }) => taskId));
      for (const { taskId } of attempts) if (flagged.has(taskId)) await this.executor.interruptLocal(taskId);
    } catch (error) {
      this.logger.warn(`Supervising running tasks failed: ${describeError(error)}`);
    } finally {
      this.checking = 0;
    }
  }
}
