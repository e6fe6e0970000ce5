import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { messages } from '../async-task.messages.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { subjectOf } from '../cluster/task-event-subject.js';
import { TaskExits } from '../cluster/task-exits.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { Execution } from './execution.js';
import { ProgressSampler } from '../progress/progress.sampler.js';
import { retryTransient } from '../persistence/retry-transient.js';
import { AsyncTaskLog } from '../task/async-task-log.js';
import { AttemptLog } from '../task-log/attempt-log.js';
import { LiveLogWriter } from '../task-log/live-log.writer.js';
import { type LiveLog } from '../task-log/live-log.js';
import { TaskLogStore } from '../task-log/task-log.store.js';
import { TaskLifecycleWrites } from '../persistence/task-lifecycle.writes.js';
import { executeWithin } from '../policies/execute-within.js';
import { type AttemptVerdict, AttemptEndPolicy, startReasonOf } from '../policies/attempt-end.policy.js';
import { PolicyCounters } from '../policies/policy-counters.js';
import { TaskQueues } from '../queue/task-queues.js';
import { FactoryRegistry } from '../factories/factory-registry.js';
import { TaskRecordStore } from '../persistence/task-record.store.js';
import { describeError } from '../util/describe-error.js';

/** What an attempt came to when execute() returned, for its final writes. */
export interface EndedAttempt {
  verdict: AttemptVerdict;
  attemptLog: AttemptLog;
  liveLog: LiveLog;
  startedAt: Date;
  startReason: string | null;
}

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
    private readonly exits: TaskExits,
    private readonly liveLogs: LiveLogWriter,
    private readonly progress: ProgressSampler,
    private readonly endPolicy: AttemptEndPolicy,
    private readonly counters: PolicyCounters,
    private readonly queues: TaskQueues,
    private readonly records: TaskRecordStore,
    private readonly registry: FactoryRegistry,
  ) {}

  /**
   * Creates the task and runs execute() to its end (or its timeout), streaming its log and tracking its
   * progress. Never throws: what the attempt came to is in the answer, for `recordEnd`.
   */
  async execute(execution: Execution, record: AsyncTaskRecord): Promise<EndedAttempt> {
    const startedAt = new Date();
    // Why it started goes into its log header; a first run has none.
    const startReason = startReasonOf(record);
    // Every accepted chunk also goes to the live stream, so any node can read the attempt as it runs.
    const liveLog = this.liveLogs.open(execution.taskId, record.attempt, startedAt, startReason);
    const attemptLog = new AttemptLog(this.options.maxLogBytesPerAttempt, (text) => liveLog.append(text));
    const log = new AsyncTaskLog(attemptLog);
    const policy = this.endPolicy.policyOf(record, this.registry.policyOf(record.taskType));
    let status = AsyncTaskStatus.SUCCESS;
    let failedReason: string | null = null;
    let thrown: unknown;
    try {
      execution.task = await execution.factory.createTask(record.params, record);
      this.progress.track(execution.taskId, record.attempt, execution.task, subjectOf(execution.taskId, record));
      const task = execution.task;
      // Marked returned the moment execute() settles: from then on a shutdown leaves the attempt to
      // record its own end rather than handing finished work over to run again.
      const run = async () => {
        try {
          await task.execute(log, execution.abort.signal);
        } finally {
          execution.returned = true;
        }
      };
      if (!execution.interrupted && (await executeWithin(policy.timeoutMs, execution.abort, run))) {
        status = AsyncTaskStatus.FAILED;
        failedReason = messages.timedOut(policy.timeoutMs!);
        log.error(failedReason);
        this.counters.count('timeouts', record.taskType);
      }
    } catch (error) {
      status = AsyncTaskStatus.FAILED;
      failedReason = truncateReason(describeError(error));
      thrown = error;
      // An interrupted or handed-over task usually throws its abort reason: the expected way out, not an error.
      if (execution.handedOver) log.info(messages.stoppedHere(describeError(execution.abort.signal.reason)));
      else if (!execution.interrupted) log.error(error instanceof Error ? error : failedReason);
    }
    if (execution.interrupted) {
      status = AsyncTaskStatus.CANCELLED;
      failedReason = null;
      log.info(messages.interruptedByUser);
    }
    const verdict = this.endPolicy.verdict(record, policy, { status, failedReason, error: thrown });
    // A handed-over attempt records nothing (its next attempt is a failover, not a retry).
    if (verdict.kind === 'retry' && !execution.handedOver) log.warn(messages.retryScheduled(verdict.retry, verdict.of, verdict.delayMs));
    return { verdict, attemptLog, liveLog, startedAt, startReason };
  }

  /** Records what `execute` came to: its log, its final status or retry, and the announcement of its end. */
  async recordEnd(execution: Execution, record: AsyncTaskRecord, ended: EndedAttempt): Promise<void> {
    // The final progress sample lands before the exit is announced. The live log's last batch goes
    // alongside the final writes (readers fall back to the saved row), so the window between a task's
    // end and its recorded result, where a crash makes it run again, stays short.
    await this.progress.untrack(execution.taskId);
    const liveLogEnded = ended.liveLog.end();
    await this.recordExit(execution, record, ended.verdict, ended.attemptLog, ended.startedAt, ended.startReason);
    await liveLogEnded;
    ended.liveLog.expireSoon();
  }

  private async recordExit(
    execution: Execution,
    record: AsyncTaskRecord,
    verdict: AttemptVerdict,
    attemptLog: AttemptLog,
    startedAt: Date,
    startReason: string | null,
  ): Promise<void> {
    const { taskId, attempt } = execution;
    try {
      const text = attemptLog.text();
      // A quiet first run saves no row (no statement for a task that writes nothing); a later attempt
      // keeps its row even when quiet, so its header says why it ran.
      if (text || startReason) {
        await retryTransient(`Saving the log of task ${taskId}`, () =>
          this.logs.saveAttempt({
            taskId,
            attempt,
            executor: this.options.nodeId,
            log: text,
            truncated: attemptLog.truncated,
            startedAt,
            finishedAt: new Date(),
            startReason,
          }),
        this.logger);
      }
      if (execution.handedOver) return;
      // The batched write times its statement out by itself (10 s); waiting longer here than a queued
      // item can take keeps a retry from adding a second copy of an end that is still queued.
      // What was recorded may differ from what the attempt reported: an accepted interrupt makes it CANCELLED.
      const recorded = await retryTransient(
        `Recording the end of task ${taskId}`,
        () =>
          verdict.kind === 'retry'
            ? this.writes.retry({ id: taskId, attempt, failedReason: verdict.failedReason, runAfter: verdict.runAfter, startReason: verdict.startReason })
            : this.writes.finish({ id: taskId, attempt, status: verdict.status, failedReason: verdict.failedReason }),
        this.logger,
        2000,
        FINISH_ATTEMPT_TIMEOUT_MS,
      );
      if (recorded === null) {
        this.logger.warn(`Task ${taskId} attempt ${attempt} ended, but a newer attempt owns the record; its result is discarded`);
        return;
      }
      // A retry can still end CANCELLED: an interrupt accepted while it was written wins.
      if (verdict.kind === 'retry' && recorded === AsyncTaskStatus.WAITING) await this.queueRetry(execution, record, verdict.runAfter, verdict.failedReason);
      else await this.exits.announce(taskId, recorded, record);
    } catch (error) {
      this.logger.error(`Could not record the end of task ${taskId}: ${describeError(error)}`);
    }
  }

  /**
   * Puts a retry in its queue, delayed until its backoff ends (if that fails, the record is WAITING
   * and the failover scan republishes it). An interrupt that came while the retry was being written
   * still ends the task: CANCELLED now rather than after its backoff.
   */
  private async queueRetry(execution: Execution, record: AsyncTaskRecord, runAfter: Date, failedReason: string | null): Promise<void> {
    const { taskId, attempt } = execution;
    this.counters.count('retries', record.taskType);
    if (execution.interrupted && (await this.records.cancelWaiting(taskId))) {
      await this.exits.announce(taskId, AsyncTaskStatus.CANCELLED, record);
      return;
    }
    const delayMs = Math.max(0, runAfter.getTime() - Date.now());
    await this.queues
      .publish(record.taskType, { taskId, attempt, cpuOverhead: record.cpuOverhead }, record.priority, delayMs)
      .catch((error: unknown) => this.logger.warn(`Retry of task ${taskId} saved but not queued yet (${describeError(error)}); it will be republished`));
    await this.exits.announceRetry(record, runAfter, failedReason);
  }
}

/**
 * The reason column is TEXT (64 KiB) and is written in batches with other tasks' ends, so one huge
 * error message must not fail the statement for all of them; the full error is in the task's log.
 */
const MAX_REASON_CHARS = 4000;

function truncateReason(reason: string): string {
  return reason.length <= MAX_REASON_CHARS ? reason : `${reason.slice(0, MAX_REASON_CHARS)}… (truncated; the full error is in the log)`;
}
