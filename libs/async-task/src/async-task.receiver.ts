import { Inject, Injectable, Logger } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { ASYNC_TASK_RESOLVED_OPTIONS } from './async-task.constants.js';
import { AsyncTaskExecutor } from './async-task.executor.js';
import type { Execution } from './execution.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { FactoryRegistry } from './factory-registry.js';
import type { AsyncTaskFactory } from './interfaces/async-task-factory.interface.js';
import { RedisConnections } from './redis-connections.js';
import type { TaskJobData } from './task-queues.js';
import { claimedRecord } from './queued-task.js';
import { retryTransient } from './retry-transient.js';
import { TaskRecordStore } from './task-record.store.js';

/**
 * Claims per task type that may be in flight while the fetch loop goes on fetching. Each costs a
 * MySQL commit and two more round trips; overlapping them keeps the fetch loop at one Redis round
 * trip per task instead of four in a row.
 */
const MAX_CLAIMS_IN_FLIGHT = 8;

/**
 * Receives tasks: one BullMQ worker per task type this node has a factory for, so a node never even
 * sees tasks it cannot run. Jobs are fetched by hand, one at a time, only while the executor has
 * room; a fetched task that does not fit is put back for other nodes. Admission (the budget) is
 * decided at fetch time; the claim of an admitted task then completes in the background.
 */
@Injectable()
export class AsyncTaskReceiver {
  private readonly logger = new Logger(AsyncTaskReceiver.name);
  private readonly workers = new Map<string, Worker<TaskJobData>>();
  private readonly loops: Promise<void>[] = [];
  private readonly claimsInFlight = new Set<Promise<void>>();
  private stopped = true;
  private tokenCounter = 0;
  private wakeOnStop: () => void = () => {};
  private stopping: Promise<void> = new Promise((resolve) => (this.wakeOnStop = resolve));
  private readonly onRegistered = (taskType: string) => this.startReceiving(taskType);

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly redis: RedisConnections,
    private readonly registry: FactoryRegistry,
    private readonly executor: AsyncTaskExecutor,
    private readonly records: TaskRecordStore,
  ) {}

  /** Starts a worker for every registered type, and for each type registered later. */
  start(): void {
    this.stopped = false;
    this.stopping = new Promise((resolve) => (this.wakeOnStop = resolve));
    for (const taskType of this.registry.taskTypes()) this.startReceiving(taskType);
    this.registry.on('registered', this.onRegistered);
  }

  private startReceiving(taskType: string): void {
    if (this.stopped || this.workers.has(taskType)) return;
    const worker = new Worker<TaskJobData>(this.redis.keys.queueName(taskType), null, {
      connection: this.redis.open(`receiver:${taskType}`),
      prefix: this.redis.keys.prefix,
      autorun: false,
      // A fetched entry is held only between fetch and claim; a node that dies there gets it taken back.
      lockDuration: 30_000,
    });
    worker.on('error', (error) => this.logger.warn(`Receiver of "${taskType}": ${error.message}`));
    this.workers.set(taskType, worker);
    void worker.startStalledCheckTimer();
    this.loops.push(this.receiveLoop(taskType, worker));
  }

  private async receiveLoop(taskType: string, worker: Worker<TaskJobData>): Promise<void> {
    const claims = new Set<Promise<void>>();
    let claimFailed = false;
    while (!this.stopped) {
      try {
        if (claimFailed) {
          // Back off as after any failure (e.g. MySQL down) rather than fetch more entries to fail on.
          claimFailed = false;
          await this.backOff();
        }
        if (!this.executor.hasRoom()) {
          await this.untilNextExitOrStop();
          continue;
        }
        if (claims.size >= MAX_CLAIMS_IN_FLIGHT) {
          await Promise.race(claims);
          continue;
        }
        const token = `${this.options.nodeId}:${++this.tokenCounter}`;
        const job = await worker.getNextJob(token, { block: true });
        if (!job) continue;
        const claim = this.admit(taskType, job, token);
        if (!claim) {
          await job.moveToWait(token);
          await this.untilNextExitOrStop();
          continue;
        }
        const tracked = claim
          .catch((error) => {
            claimFailed = true;
            this.logger.warn(`Claiming a "${taskType}" task failed: ${(error as Error).message}; retrying`);
          })
          .finally(() => {
            claims.delete(tracked);
            this.claimsInFlight.delete(tracked);
          });
        claims.add(tracked);
        this.claimsInFlight.add(tracked);
      } catch (error) {
        if (this.stopped) break;
        this.logger.warn(`Receiving "${taskType}" failed: ${(error as Error).message}; retrying`);
        await this.backOff();
      }
    }
  }

  private backOff(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 1000));
  }

  private untilNextExitOrStop(): Promise<void> {
    return Promise.race([this.executor.nextExit(), this.stopping]);
  }

  /**
   * Decides at once whether a fetched entry fits: null if not (the caller puts it back for other
   * nodes). If it fits, reserves its budget and returns the claim, which starts the task once won.
   */
  private admit(taskType: string, job: Job<TaskJobData>, token: string): Promise<void> | null {
    const { taskId, attempt, cpuOverhead } = job.data;
    const factory = this.registry.get(taskType);
    if (this.stopped || !factory || !this.executor.canAdmit(cpuOverhead)) return null;
    const execution = this.executor.reserve(taskId, attempt, cpuOverhead);
    return this.claim(job, token, execution, factory);
  }

  private async claim(job: Job<TaskJobData>, token: string, execution: Execution, factory: AsyncTaskFactory): Promise<void> {
    const { taskId, attempt } = job.data;
    try {
      const claimedAt = new Date();
      const claimed = await this.records.claim(taskId, attempt, this.options.nodeId, claimedAt);
      // A failure here leaves a stale entry whose claim will fail its fence later; not worth stopping for.
      const completed = job.moveToCompleted(null, token, false).catch(() => undefined);
      // Once claimed, the task is ours to start: wait out a database hiccup rather than orphan it.
      const record = !claimed
        ? null
        : job.data.snapshot
          ? claimedRecord({ taskId, attempt, cpuOverhead: job.data.cpuOverhead, nodeId: this.options.nodeId, claimedAt }, job.data.snapshot)
          : await retryTransient(`Reading claimed task ${taskId}`, () => this.records.findById(taskId), this.logger);
      await completed;
      if (!record) {
        // Stale entry: cancelled while queued, or already claimed by an earlier publication.
        this.executor.release(execution);
        return;
      }
      this.executor.start(execution, record, factory);
    } catch (error) {
      this.executor.release(execution);
      // Most likely the database is unreachable: give the entry back now rather than after its lock expires.
      await job.moveToWait(token).catch(() => undefined);
      throw error;
    }
  }

  /** Stops claiming: no new fetches; entries already fetched but not claimed go back to the queue. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wakeOnStop();
    this.registry.off('registered', this.onRegistered);
    // Claims already under way finish first (their task starts and is drained like any other).
    await Promise.allSettled([...this.claimsInFlight]);
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.allSettled(workers.map((worker) => worker.close(true)));
    await Promise.allSettled(this.loops.splice(0));
  }
}
