import { Inject, Injectable, Logger } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { ASYNC_TASK_RESOLVED_OPTIONS } from './async-task.constants.js';
import { AsyncTaskExecutor } from './async-task.executor.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { FactoryRegistry } from './factory-registry.js';
import { RedisConnections } from './redis-connections.js';
import type { TaskJobData } from './task-queues.js';
import { retryTransient } from './retry-transient.js';
import { TaskRecordStore } from './task-record.store.js';

/**
 * Receives tasks: one BullMQ worker per task type this node has a factory for, so a node never even
 * sees tasks it cannot run. Jobs are fetched by hand, one at a time, only while the executor has
 * room; a fetched task that does not fit is put back for other nodes.
 */
@Injectable()
export class AsyncTaskReceiver {
  private readonly logger = new Logger(AsyncTaskReceiver.name);
  private readonly workers = new Map<string, Worker<TaskJobData>>();
  private readonly loops: Promise<void>[] = [];
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
    while (!this.stopped) {
      try {
        if (!this.executor.hasRoom()) {
          await this.untilNextExitOrStop();
          continue;
        }
        const token = `${this.options.nodeId}:${++this.tokenCounter}`;
        const job = await worker.getNextJob(token, { block: true });
        if (!job) continue;
        const admitted = await this.admit(taskType, job, token);
        if (!admitted) await this.untilNextExitOrStop();
      } catch (error) {
        if (this.stopped) break;
        this.logger.warn(`Receiving "${taskType}" failed: ${(error as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private untilNextExitOrStop(): Promise<void> {
    return Promise.race([this.executor.nextExit(), this.stopping]);
  }

  /** Claims and starts one fetched entry; false if the node had no room for it (it went back to the queue). */
  private async admit(taskType: string, job: Job<TaskJobData>, token: string): Promise<boolean> {
    const { taskId, attempt, cpuOverhead } = job.data;
    const factory = this.registry.get(taskType);
    if (this.stopped || !factory || !this.executor.canAdmit(cpuOverhead)) {
      await job.moveToWait(token);
      return false;
    }
    const execution = this.executor.reserve(taskId, attempt, cpuOverhead);
    try {
      const claimed = await this.records.claim(taskId, attempt, this.options.nodeId);
      // A failure here leaves a stale entry whose claim will fail its fence later; not worth stopping for.
      await job.moveToCompleted(null, token, false).catch(() => undefined);
      // Once claimed, the task is ours to start: wait out a database hiccup rather than orphan it.
      const record = claimed ? await retryTransient(`Reading claimed task ${taskId}`, () => this.records.findById(taskId), this.logger) : null;
      if (!record) {
        // Stale entry: cancelled while queued, or already claimed by an earlier publication.
        this.executor.release(execution);
        return true;
      }
      this.executor.start(execution, record, factory);
      return true;
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
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.allSettled(workers.map((worker) => worker.close(true)));
    await Promise.allSettled(this.loops.splice(0));
  }
}
