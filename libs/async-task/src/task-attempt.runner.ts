import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS, AsyncTaskStatus } from './async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { ClusterEvents } from './cluster-events.js';
import type { AsyncTaskRecord } from './entities/async-task-record.entity.js';
import { subjectOf } from './task-event-subject.js';
import type { Execution } from './execution.js';
import type { AsyncTaskFactory } from './interfaces/async-task-factory.interface.js';
import { ProgressSampler } from './progress/progress.sampler.js';
import { retryTransient } from './retry-transient.js';
import { AsyncTaskLog } from './task-log/async-task-log.js';
import { AttemptLog } from './task-log/attempt-log.js';
import { LiveLogWriter } from './task-log/live-log.writer.js';
import { TaskLogStore } from './task-log/task-log.store.js';
import { TaskLifecycleWrites } from './task-lifecycle.writes.js';

/** Longer than a finish can wait in its batcher: one flush under way plus its own, 10 s each at most. */
const FINISH_ATTEMPT_TIMEOUT_MS = 25_000;

/**
 * Runs one claimed attempt from factory to recorded end: creates the task, streams its log, tracks its
 * progress, and writes its final status (retried through database outages, fenced on the attempt).
 */
@Injectable()
export class TaskAttemptRunner {
  private readonly logger = new Logger(TaskAttemptRunner.name);

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly writes: TaskLifecycleWrites,
    private readonly logs: TaskLogStore,
    private readonly events: ClusterEvents,
    private readonly liveLogs: LiveLogWriter,
    private readonly progress: ProgressSampler,
  ) {}

  async run(execution: Execution, record: AsyncTaskRecord, factory: AsyncTaskFactory): Promise<void> {
    const startedAt = new Date();
    // Every accepted chunk also goes to the live stream, so any node can read the attempt as it runs.
    const liveLog = this.liveLogs.open(execution.taskId, record.attempt, startedAt);
    const attemptLog = new AttemptLog(this.options.maxLogBytesPerAttempt, (text) => liveLog.append(text));
    const log = new AsyncTaskLog(attemptLog);
    let status = AsyncTaskStatus.SUCCESS;
    let failedReason: string | null = null;
    try {
      execution.task = await factory.createTask(record.params, record);
      this.progress.track(execution.taskId, record.attempt, execution.task, subjectOf(execution.taskId, record));
      if (!execution.interrupted) await execution.task.execute(log, execution.abort.signal);
    } catch (error) {
      status = AsyncTaskStatus.FAILED;
      failedReason = truncateReason(describeError(error));
      log.error(error instanceof Error ? error : failedReason);
    }
    if (execution.interrupted) {
      status = AsyncTaskStatus.CANCELLED;
      failedReason = null;
    }
    execution.returned = true;
    execution.onReturned?.();
    // The final progress sample lands before the exit is announced. The live log's last batch goes
    // alongside the final writes (readers fall back to the saved row), so the window between a task's
    // end and its recorded result, where a crash makes it run again, stays short.
    await this.progress.untrack(execution.taskId);
    const liveLogEnded = liveLog.end();
    await this.recordExit(execution, status, failedReason, attemptLog, startedAt);
    await liveLogEnded;
    liveLog.expireSoon();
  }

  private async recordExit(
    execution: Execution,
    status: AsyncTaskStatus,
    failedReason: string | null,
    attemptLog: AttemptLog,
    startedAt: Date,
  ): Promise<void> {
    const { taskId, attempt } = execution;
    try {
      const text = attemptLog.text();
      if (text) {
        await retryTransient(`Saving the log of task ${taskId}`, () =>
          this.logs.saveAttempt({
            taskId,
            attempt,
            executor: this.options.nodeId,
            log: text,
            truncated: attemptLog.truncated,
            startedAt,
            finishedAt: new Date(),
          }),
        this.logger);
      }
      if (execution.handedOver) return;
      // The batched write times its statement out by itself (10 s); waiting longer here than a queued
      // item can take keeps a retry from adding a second copy of an end that is still queued.
      const written = await retryTransient(
        `Recording the end of task ${taskId}`,
        () => this.writes.finish({ id: taskId, attempt, status, failedReason }),
        this.logger,
        2000,
        FINISH_ATTEMPT_TIMEOUT_MS,
      );
      if (!written) {
        this.logger.warn(`Task ${taskId} attempt ${attempt} ended, but a newer attempt owns the record; its result is discarded`);
        return;
      }
      await this.events.publish({ kind: 'exit', status, ...subjectOf(taskId, execution.record) });
    } catch (error) {
      this.logger.error(`Could not record the end of task ${taskId}: ${describeError(error)}`);
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * The reason column is TEXT (64 KiB) and is written in batches with other tasks' ends, so one huge
 * error message must not fail the statement for all of them; the full error is in the task's log.
 */
const MAX_REASON_CHARS = 4000;

function truncateReason(reason: string): string {
  return reason.length <= MAX_REASON_CHARS ? reason : `${reason.slice(0, MAX_REASON_CHARS)}… (truncated; the full error is in the log)`;
}
