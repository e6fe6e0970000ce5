import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import type { NodeWorkload } from '../cluster/node-heartbeat.js';
import { TaskInterrupts } from '../cluster/task-interrupts.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { Admission, AttemptEntry, Execution } from './execution.js';
import type { AsyncTaskFactory } from '../task/async-task-factory.interface.js';
import { TaskAttemptRunner } from './task-attempt.runner.js';
import { describeError } from '../util/describe-error.js';
import { TaskHandover } from '../failover/task-handover.js';
import { waitAtMost } from '../util/with-timeout.js';

/** How long a stopped task may take to return before it is handed over anyway. */
const STOP_BEFORE_HANDOVER_MS = 10_000;

/**
 * Holds this node's executions: admission within the CPU budget (the receiver asks before it claims),
 * interrupts, and stopping or handing over on shutdown. Running one attempt is TaskAttemptRunner's job;
 * the executor calls it in two steps (execute, then record the end) and frees the budget in between.
 */
@Injectable()
export class AsyncTaskExecutor {
  private readonly logger = new Logger(AsyncTaskExecutor.name);
  private readonly executions = new Map<string, Execution>();
  private load = 0;
  private capacityWaiters: Array<() => void> = [];

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly interrupts: TaskInterrupts,
    private readonly handover: TaskHandover,
    private readonly runner: TaskAttemptRunner,
  ) {}

  private stopListening: () => void = () => {};

  /** Subscribes to interrupts from every node; called when this node starts working. */
  async listenForInterrupts(): Promise<void> {
    this.stopListening = await this.interrupts.listen((taskId) => void this.interruptLocal(taskId));
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
   * over to other nodes (RUNNING → OFFLINE → WAITING). They are stopped first, so two nodes never
   * run one task at once; their partial logs are saved.
   */
  async drain(graceMs: number): Promise<void> {
    this.stopListening();
    if (graceMs > 0) await this.allDone(graceMs);
    // Only the attempts stopped here are handed over: one whose execute() returned meanwhile records
    // its own end (handing it over too would run finished work again elsewhere).
    const stopped = [...this.executions.values()].filter(
      (execution) => execution.record && this.abandon(execution.taskId, 'Node is shutting down; the task continues on another node'),
    );
    await this.allDone(STOP_BEFORE_HANDOVER_MS);
    await Promise.all(
      stopped.map((execution) =>
        this.handover.handOver(execution.record!, false).catch((error) =>
          this.logger.error(`Could not hand over task ${execution.taskId}: ${describeError(error)}; the failover scan will`),
        ),
      ),
    );
  }

  /** Stops an attempt without recording its end: it was handed over, or taken over by the failover scan. */
  abandon(taskId: string, reason: string): boolean {
    const execution = this.executions.get(taskId);
    // An attempt whose execute() returned is recording its own end; that write is fenced anyway.
    if (!execution || execution.handedOver || execution.returned) return false;
    execution.handedOver = true;
    execution.abort.abort(new Error(reason));
    Promise.resolve()
      .then(() => execution.task?.interrupt())
      .catch((error) => this.logger.warn(`interrupt() of task ${taskId} threw: ${describeError(error)}`));
    return true;
  }

  /** Attempts still executing here (started, execute() not returned), for the supervisor's checks. */
  runningAttempts(): Array<{ taskId: string; attempt: number }> {
    return [...this.executions.values()]
      .filter((execution) => execution.record && !execution.returned)
      .map(({ taskId, attempt }) => ({ taskId, attempt }));
  }

  private async allDone(timeoutMs: number): Promise<void> {
    await waitAtMost(Promise.allSettled([...this.executions.values()].map((execution) => execution.done)), timeoutMs);
  }

  /** What this node runs now (its load: the sum of the running tasks' cpuOverhead), for its heartbeat. */
  workload(): NodeWorkload {
    return { load: this.load, runningTasks: [...this.executions.keys()] };
  }

  /** Whether this node holds the task in any stage (claim in flight, running, recording its end). */
  isTracking(taskId: string): boolean {
    return this.executions.has(taskId);
  }

  /** Whether anything more could start at all; receivers stop fetching when not. */
  hasRoom(): boolean {
    return this.load < this.options.maxLoad;
  }

  /** How many more tasks of this cpuOverhead fit now (a guess for prefetching; unknown overhead: 1). */
  tasksThatFit(cpuOverhead: number | undefined): number {
    if (cpuOverhead === undefined) return 1;
    if (cpuOverhead === 0) return Number.MAX_SAFE_INTEGER;
    return Math.floor((this.options.maxLoad - this.load) / cpuOverhead);
  }

  /** Resolves when a task's budget is freed or a task leaves this node. */
  nextExit(): Promise<void> {
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  /**
   * The one admission call, made before the entry is claimed. Stale: this node holds a newer attempt
   * of the task (a copy of an entry it claimed already, republished meanwhile). Refused: no factory
   * here (or the receiver is stopping: `factory` undefined), an older attempt of the task is still
   * ending here, or it does not fit — a task fits if it stays within the budget, or if nothing else
   * holds any (an oversized task on an idle node). Admitted: its budget is held from now on, so
   * concurrent receivers cannot overbook the node; hand it to `run()` once claimed.
   */
  tryAdmit(entry: AttemptEntry, factory: AsyncTaskFactory | undefined): Admission {
    const { taskId, attempt, cpuOverhead } = entry;
    const held = this.executions.get(taskId);
    if (held) {
      // Entries carry the record's attempt count before their claim: the one this node holds is one more once claimed.
      const heldAttempt = held.record ? held.record.attempt : held.attempt + 1;
      return heldAttempt > attempt ? { kind: 'stale' } : { kind: 'refused' };
    }
    if (!factory || (this.load > 0 && this.load + cpuOverhead > this.options.maxLoad)) return { kind: 'refused' };
    const execution: Execution = {
      taskId,
      attempt,
      cpuOverhead,
      factory,
      abort: new AbortController(),
      interrupted: false,
      handedOver: false,
      returned: false,
      holdsBudget: true,
      done: Promise.resolve(),
    };
    this.executions.set(taskId, execution);
    this.load += cpuOverhead;
    return { kind: 'admitted', execution };
  }

  /**
   * Runs an admitted attempt once its claim is answered: the claimed record, or null when there is
   * nothing to run (the entry was stale, or the claim failed), which gives its budget back.
   */
  run(execution: Execution, claimed: AsyncTaskRecord | null): void {
    if (!claimed) {
      this.release(execution);
      return;
    }
    execution.attempt = claimed.attempt;
    execution.record = claimed;
    execution.done = this.runToEnd(execution, claimed).finally(() => this.release(execution));
  }

  private async runToEnd(execution: Execution, record: AsyncTaskRecord): Promise<void> {
    const ended = await this.runner.execute(execution, record);
    execution.returned = true;
    this.freeBudget(execution);
    await this.runner.recordEnd(execution, record, ended);
  }

  /** Forgets an execution: an admission that ran nothing, or an attempt whose end is recorded. */
  private release(execution: Execution): void {
    if (this.executions.get(execution.taskId) !== execution) return;
    this.executions.delete(execution.taskId);
    if (execution.holdsBudget) this.freeBudget(execution);
    // Its budget may be free already, but a receiver may be waiting for this task to leave the node.
    else this.wakeWaiters();
  }

  /**
   * The budget stands for the CPU a task uses while it runs, so it is freed as soon as execute()
   * returns: recording the result (a database round trip) must not keep the next task waiting.
   */
  private freeBudget(execution: Execution): void {
    if (!execution.holdsBudget) return;
    execution.holdsBudget = false;
    this.load -= execution.cpuOverhead;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const wake of waiters) wake();
  }
}
