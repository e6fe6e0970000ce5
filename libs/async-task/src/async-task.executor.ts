import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS, AsyncTaskStatus } from './async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { ClusterEvents } from './cluster-events.js';
import type { AsyncTaskRecord } from './entities/async-task-record.entity.js';
import type { AsyncTask } from './interfaces/async-task.interface.js';
import type { AsyncTaskFactory } from './interfaces/async-task-factory.interface.js';
import { ProgressSampler } from './progress/progress.sampler.js';
import { retryTransient } from './retry-transient.js';
import { AsyncTaskLog } from './task-log/async-task-log.js';
import { AttemptLog } from './task-log/attempt-log.js';
import { LiveLogWriter } from './task-log/live-log.writer.js';
import { TaskLogStore } from './task-log/task-log.store.js';
import { TaskHandover } from './task-handover.js';
import { TaskRecordStore } from './task-record.store.js';

/** How long a stopped task may take to return before it is handed over anyway. */
const STOP_BEFORE_HANDOVER_MS = 10_000;

/** A task this node has admitted: from the moment its budget is reserved until its final write. */
interface Execution {
  taskId: string;
  attempt: number;
  cpuOverhead: number;
  abort: AbortController;
  record?: AsyncTaskRecord;
  task?: AsyncTask;
  /** Set when a user interrupt arrived; the attempt then ends in CANCELLED whatever execute() does. */
  interrupted: boolean;
  /** Set when this node gave the attempt back (shutdown); its own end is then not recorded. */
  handedOver: boolean;
  /** Set once execute() has returned: the attempt then records its own result and is never handed over. */
  returned: boolean;
  done: Promise<void>;
}

/**
 * Runs task instances within the node's CPU budget. Admission is decided here; the receiver asks
 * before it claims. Final writes are retried through database outages, never dropped.
 */
@Injectable()
export class AsyncTaskExecutor {
  private readonly logger = new Logger(AsyncTaskExecutor.name);
  private readonly executions = new Map<string, Execution>();
  private load = 0;
  private capacityWaiters: Array<() => void> = [];

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly records: TaskRecordStore,
    private readonly logs: TaskLogStore,
    private readonly events: ClusterEvents,
    private readonly handover: TaskHandover,
    private readonly liveLogs: LiveLogWriter,
    private readonly progress: ProgressSampler,
  ) {}

  private stopListening: () => void = () => {};

  /** Subscribes to interrupts from every node; called when this node starts working. */
  async listenForInterrupts(): Promise<void> {
    this.stopListening = await this.events.on('interrupt', (event) => void this.interruptLocal(event.taskId));
  }

  /** Interrupts a task if it runs (or is being claimed) here: aborts its signal and calls interrupt(). */
  async interruptLocal(taskId: string): Promise<void> {
    const execution = this.executions.get(taskId);
    if (!execution || execution.interrupted) return;
    execution.interrupted = true;
    execution.abort.abort(new Error('Task interrupted by a user'));
    try {
      await execution.task?.interrupt();
    } catch (error) {
      this.logger.warn(`interrupt() of task ${taskId} threw: ${describeError(error)}`);
    }
  }

  /**
   * Shutdown: lets running tasks finish for up to `graceMs`, then stops the rest here and hands them
   * over to other nodes (1 → 5 → 0). They are stopped first, so two nodes never run one task at once;
   * their partial logs are saved.
   */
  async drain(graceMs: number): Promise<void> {
    this.stopListening();
    if (graceMs > 0) await this.allDone(graceMs);
    const remaining = [...this.executions.values()].filter((execution) => execution.record && !execution.returned);
    for (const execution of remaining) this.abandon(execution.taskId, 'Node is shutting down; the task continues on another node');
    await this.allDone(STOP_BEFORE_HANDOVER_MS);
    await Promise.all(
      remaining.map((execution) =>
        this.handover.handOver(execution.record!, false).catch((error) =>
          this.logger.error(`Could not hand over task ${execution.taskId}: ${describeError(error)}; the failover scan will`),
        ),
      ),
    );
  }

  /** Stops an attempt without recording its end: it was handed over, or taken over by the failover scan. */
  abandon(taskId: string, reason: string): void {
    const execution = this.executions.get(taskId);
    if (!execution || execution.handedOver || execution.returned) return;
    execution.handedOver = true;
    execution.abort.abort(new Error(reason));
    Promise.resolve()
      .then(() => execution.task?.interrupt())
      .catch((error) => this.logger.warn(`interrupt() of task ${taskId} threw: ${describeError(error)}`));
  }

  /** The attempts running here, for the supervisor's checks. */
  runningAttempts(): Array<{ taskId: string; attempt: number }> {
    return [...this.executions.values()].filter((execution) => execution.record).map(({ taskId, attempt }) => ({ taskId, attempt }));
  }

  private async allDone(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.executions.values()].map((execution) => execution.done)),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** Sum of the running tasks' cpuOverhead. */
  currentLoad(): number {
    return this.load;
  }

  /** Whether this node holds the task in any stage (claim in flight, running, recording its end). */
  isTracking(taskId: string): boolean {
    return this.executions.has(taskId);
  }

  runningTaskIds(): string[] {
    return [...this.executions.keys()];
  }

  /** Whether anything more could start at all; receivers stop fetching when not. */
  hasRoom(): boolean {
    return this.load < this.options.maxLoad;
  }

  /** A task fits if it stays within the budget, or if it is alone (an oversized task on an idle node). */
  canAdmit(cpuOverhead: number): boolean {
    return this.executions.size === 0 || this.load + cpuOverhead <= this.options.maxLoad;
  }

  /** Resolves at the next exit of a running task on this node (capacity may have been freed). */
  nextExit(): Promise<void> {
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  /** Holds budget for a task before it is claimed, so concurrent receivers cannot overbook the node. */
  reserve(taskId: string, attempt: number, cpuOverhead: number): Execution {
    const execution: Execution = {
      taskId,
      attempt,
      cpuOverhead,
      abort: new AbortController(),
      interrupted: false,
      handedOver: false,
      returned: false,
      done: Promise.resolve(),
    };
    this.executions.set(taskId, execution);
    this.load += cpuOverhead;
    return execution;
  }

  /** Gives back a reservation whose claim failed. */
  release(execution: Execution): void {
    if (this.executions.get(execution.taskId) !== execution) return;
    this.executions.delete(execution.taskId);
    this.load -= execution.cpuOverhead;
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Starts a claimed attempt in the background. */
  start(execution: Execution, record: AsyncTaskRecord, factory: AsyncTaskFactory): void {
    execution.attempt = record.attempt;
    execution.record = record;
    execution.done = this.runToEnd(execution, record, factory).finally(() => this.release(execution));
  }

  private async runToEnd(execution: Execution, record: AsyncTaskRecord, factory: AsyncTaskFactory): Promise<void> {
    const startedAt = new Date();
    // Every accepted chunk also goes to the live stream, so any node can read the attempt as it runs.
    const liveLog = this.liveLogs.open(execution.taskId, record.attempt, startedAt);
    const attemptLog = new AttemptLog(this.options.maxLogBytesPerAttempt, (text) => liveLog.append(text));
    const log = new AsyncTaskLog(attemptLog);
    let status = AsyncTaskStatus.SUCCESS;
    let failedReason: string | null = null;
    try {
      execution.task = await factory.createTask(record.params, record);
      this.progress.track(execution.taskId, record.attempt, execution.task);
      if (!execution.interrupted) await execution.task.execute(log, execution.abort.signal);
    } catch (error) {
      status = AsyncTaskStatus.FAILED;
      failedReason = describeError(error);
      log.error(error instanceof Error ? error : failedReason);
    }
    if (execution.interrupted) {
      status = AsyncTaskStatus.CANCELLED;
      failedReason = null;
    }
    execution.returned = true;
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
      const written = await retryTransient(
        `Recording the end of task ${taskId}`,
        () => this.records.finish(taskId, attempt, status, failedReason),
        this.logger,
      );
      if (!written) {
        this.logger.warn(`Task ${taskId} attempt ${attempt} ended, but a newer attempt owns the record; its result is discarded`);
        return;
      }
      await this.events.publish({ kind: 'exit', taskId, status });
    } catch (error) {
      this.logger.error(`Could not record the end of task ${taskId}: ${describeError(error)}`);
    }
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
