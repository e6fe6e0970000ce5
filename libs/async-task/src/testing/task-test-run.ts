import { performance } from 'node:perf_hooks';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { messages } from '../async-task.messages.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { AsyncTask } from '../task/async-task.interface.js';
import type { AsyncTaskFactory } from '../task/async-task-factory.interface.js';
import type { ProgressSnapshot } from '../task/progress-record.js';
import { computeSpeed, type LoadedSample } from '../progress/progress-speed.js';
import { AsyncTaskLog, type LogSink } from '../task/async-task-log.js';

/** How a test run ended: what `getTask()` and `getTaskLog()` would show for a real attempt. */
export interface TaskTestResult {
  status: AsyncTaskStatus.SUCCESS | AsyncTaskStatus.FAILED | AsyncTaskStatus.CANCELLED;
  /** The error's message when FAILED, else null. */
  failedReason: string | null;
  /** The error `execute()` threw (FAILED), for assertions on its class. */
  error: unknown;
  /** Everything the attempt wrote to its log. */
  log: string;
  /** The last progress sample (with speed), or null when the task never had a progress object. */
  progress: ProgressSnapshot | null;
}

export interface TaskTestRunOptions {
  /** The params as submitted: a string, or an object (stored as JSON, as `submitAsyncTask` does). @default '' */
  params?: string | object;
  /** Fields of the record `createTask(params, record)` receives (id, attempt, uid…). */
  record?: Partial<AsyncTaskRecord>;
  /** How often progress is sampled and its speed computed, as the framework does every second. @default 1000 */
  progressIntervalMs?: number;
}

/**
 * One attempt of a task run in memory — no Redis, no MySQL, no Nest app — the way a node runs it:
 * `createTask(params, record)`, then `execute(log, signal)`, with the log captured, progress sampled
 * with speed, and `interrupt()` doing what a user interrupt does (signal aborted, `task.interrupt()`
 * called, the attempt ends CANCELLED). Start one with `runAsyncTaskForTest(factory, options)`.
 */
export class TaskTestRun {
  /** Resolves when the attempt has ended; never rejects (a failure is a FAILED result). */
  readonly result: Promise<TaskTestResult>;
  private readonly chunks: string[] = [];
  private readonly abort = new AbortController();
  private task: AsyncTask | undefined;
  private interrupted = false;
  private lastSample: (ProgressSnapshot & { at: number }) | null = null;
  private sampler: NodeJS.Timeout | undefined;

  constructor(factory: AsyncTaskFactory, options: TaskTestRunOptions = {}) {
    this.result = this.run(factory, options);
  }

  /** The log text written so far. */
  get log(): string {
    return this.chunks.join('');
  }

  /** The latest progress sample, with speed, as `AsyncTaskManager.getProgress()` returns it. */
  progress(): ProgressSnapshot | null {
    if (!this.lastSample) return null;
    const { at: _at, ...snapshot } = this.lastSample;
    return snapshot;
  }

  /** A user interrupt: aborts the signal, calls the task's `interrupt()`; the attempt ends CANCELLED. */
  async interrupt(): Promise<void> {
    if (this.interrupted) return;
    this.interrupted = true;
    this.abort.abort(new Error('Task interrupted by a user'));
    await this.task?.interrupt?.();
  }

  private async run(factory: AsyncTaskFactory, options: TaskTestRunOptions): Promise<TaskTestResult> {
    const sink: LogSink = { write: (text) => this.chunks.push(text) };
    const log = new AsyncTaskLog(sink);
    const params = typeof options.params === 'object' ? JSON.stringify(options.params) : (options.params ?? '');
    let status: TaskTestResult['status'] = AsyncTaskStatus.SUCCESS;
    let failedReason: string | null = null;
    let error: unknown = null;
    try {
      this.task = await factory.createTask(params, testRecord(factory, params, options.record));
      this.sample();
      this.sampler = setInterval(() => this.sample(), options.progressIntervalMs ?? 1000);
      if (!this.interrupted) await this.task.execute(log, this.abort.signal);
    } catch (thrown) {
      error = thrown;
      status = AsyncTaskStatus.FAILED;
      failedReason = thrown instanceof Error ? thrown.message || thrown.name : String(thrown);
      if (!this.interrupted) log.error(thrown instanceof Error ? thrown : failedReason);
    } finally {
      clearInterval(this.sampler);
    }
    if (this.interrupted) {
      status = AsyncTaskStatus.CANCELLED;
      failedReason = null;
      error = null;
      log.info(messages.interruptedByUser);
    }
    this.sample();
    return { status, failedReason, error, log: this.log, progress: this.progress() };
  }

  private sample(): void {
    const live = this.task?.getProgress?.();
    if (!live) return;
    const current: LoadedSample = { loaded: live.loaded, at: performance.now() };
    const speed = this.lastSample ? computeSpeed({ loaded: this.lastSample.loaded, at: this.lastSample.at }, current) : 0;
    this.lastSample = { total: live.total, loaded: live.loaded, speed, lastUpdateTime: live.lastUpdateTime, sampledAt: Date.now(), at: current.at };
  }
}

/** Starts one in-memory attempt of `factory`'s task (see `TaskTestRun`). */
export function runAsyncTaskForTest(factory: AsyncTaskFactory, options: TaskTestRunOptions = {}): TaskTestRun {
  return new TaskTestRun(factory, options);
}

function testRecord(factory: AsyncTaskFactory, params: string, overrides: Partial<AsyncTaskRecord> = {}): AsyncTaskRecord {
  const now = new Date();
  return {
    id: 'test-task',
    name: 'test task',
    taskType: factory.getTaskType(),
    params,
    status: AsyncTaskStatus.RUNNING,
    attempt: 1,
    offlineCount: 0,
    cpuOverhead: 0,
    priority: 0,
    uid: null,
    executor: 'test-node',
    failedReason: null,
    createdAt: now,
    runAfter: null,
    updatedAt: now,
    startedAt: now,
    finishedAt: null,
    interruptRequestedAt: null,
    retries: null,
    backoff: null,
    timeoutMs: null,
    retryCount: 0,
    startReason: null,
    startReasonAttempt: null,
    cluster: null,
    ...overrides,
  } satisfies AsyncTaskRecord;
}
