import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS, AsyncTaskStatus, isFinalStatus } from './async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { ClusterEvents } from './cluster-events.js';
import { AsyncTaskRecord } from './entities/async-task-record.entity.js';
import { AsyncTaskNotFoundError } from './errors/async-task-not-found.error.js';
import { DuplicateTaskIdError } from './errors/duplicate-task-id.error.js';
import { InvalidAsyncTaskError } from './errors/invalid-async-task.error.js';
import { FactoryRegistry } from './factory-registry.js';
import type { AsyncTaskEvent } from './interfaces/async-task-event.interface.js';
import type { AsyncTaskFactory } from './interfaces/async-task-factory.interface.js';
import type { TaskLogOptions } from './interfaces/task-log-options.interface.js';
import type { InterruptResult, ListTasksQuery, Page, SubmitAsyncTaskInput } from './interfaces/submit-async-task.interface.js';
import { validateSubmission } from './submission.validator.js';
import type { AsyncTaskNodeInfo } from './node-info.js';
import { NodeRegistry } from './node-registry.js';
import { RedisConnections } from './redis-connections.js';
import { newTaskId } from './task-id.js';
import type { ProgressRecord } from './progress-record.js';
import { ProgressStore } from './progress/progress.store.js';
import { TaskLogReader } from './task-log/task-log.reader.js';
import { TaskQueues } from './task-queues.js';
import { hasMysqlCode } from './mysql-errors.js';
import { describeError } from './task-attempt.runner.js';
import { subjectOf } from './task-event-subject.js';
import { TaskSubmissions } from './task-submissions.js';
import { TaskRecordStore } from './task-record.store.js';

/** How often waitForExit re-reads the record in case an exit event was missed (e.g. Redis reconnect). */
const EXIT_RECHECK_MS = 1000;
/** Long enough for any failover to finish; the flag is only a fallback for a missed message. */
const INTERRUPT_FLAG_TTL_MS = 60 * 60 * 1000;

/**
 * The public service: submit, interrupt and query tasks. Every method works from any node of the
 * cluster, including API-only nodes started with `worker: false`.
 */
@Injectable()
export class AsyncTaskManager {
  private readonly logger = new Logger(AsyncTaskManager.name);

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly records: TaskRecordStore,
    private readonly submissions: TaskSubmissions,
    private readonly queues: TaskQueues,
    private readonly registry: FactoryRegistry,
    private readonly events: ClusterEvents,
    private readonly redis: RedisConnections,
    private readonly nodes: NodeRegistry,
    private readonly logReader: TaskLogReader,
    private readonly progress: ProgressStore,
  ) {}

  /** The live nodes of the cluster (those whose heartbeat is current), API-only ones included. */
  listNodes(): Promise<AsyncTaskNodeInfo[]> {
    return this.nodes.listNodes();
  }

  /** This node's id, as it appears in `executor` columns and `listNodes()`. */
  get nodeId(): string {
    return this.options.nodeId;
  }

  /**
   * Saves a task as WAITING and queues it. Throws InvalidAsyncTaskError or DuplicateTaskIdError on bad
   * input, in which case nothing is written.
   */
  async submitAsyncTask(input: SubmitAsyncTaskInput): Promise<AsyncTaskRecord> {
    const valid = validateSubmission(input, this.options.maxParamsBytes);
    const now = new Date();
    const record = Object.assign(new AsyncTaskRecord(), {
      id: valid.id ?? newTaskId(now.getTime()),
      name: valid.name,
      taskType: valid.taskType,
      params: valid.params,
      status: AsyncTaskStatus.WAITING,
      attempt: 0,
      offlineCount: 0,
      cpuOverhead: valid.cpuOverhead,
      priority: valid.priority,
      uid: valid.uid,
      executor: null,
      failedReason: null,
      createdAt: now,
      runAfter: valid.delayMs > 0 ? new Date(now.getTime() + valid.delayMs) : null,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
    } satisfies AsyncTaskRecord);
    let notQueued: unknown;
    try {
      notQueued = await this.submissions.submit(record, valid.delayMs);
    } catch (error) {
      if (hasMysqlCode(error, 'ER_DUP_ENTRY')) throw new DuplicateTaskIdError(record.id);
      throw error;
    }
    if (notQueued) {
      // The record is saved; the failover scan republishes WAITING tasks missing from the queue.
      this.logger.warn(`Task ${record.id} saved but not queued yet (${describeError(notQueued)}); it will be republished`);
    }
    return record;
  }

  /** Registers a factory at run time; this node starts receiving its task type at once. */
  registerFactory(factory: AsyncTaskFactory): void {
    this.registry.register(factory, `${factory?.constructor?.name ?? 'instance'} (registerFactory)`);
  }

  /** The task's record. Throws AsyncTaskNotFoundError for an unknown id. */
  async getTask(id: string): Promise<AsyncTaskRecord> {
    const record = typeof id === 'string' ? await this.records.findById(id) : null;
    if (!record) throw new AsyncTaskNotFoundError(String(id));
    return record;
  }

  /** Newest first, filtered by owner, status and type. */
  async listTasks(query: ListTasksQuery = {}): Promise<Page<AsyncTaskRecord>> {
    const page = query.page ?? 1;
    const size = query.size ?? 20;
    if (!Number.isSafeInteger(page) || page < 1) throw new InvalidAsyncTaskError('page', 'must be an integer ≥ 1');
    if (!Number.isSafeInteger(size) || size < 1 || size > 500) throw new InvalidAsyncTaskError('size', 'must be an integer from 1 to 500');
    return this.records.list({ ...query, page, size });
  }

  /**
   * The task's log as text: each earlier attempt under a header line (`===== attempt 1 on node-a,
   * started 2026-11-28 14:03:07.123 =====`), then the latest one — from MySQL once saved, live from
   * Redis while it runs, whichever node runs it. `withHistory = false`: the latest attempt only.
   * `follow`: the stream stays open, delivers new lines as they are written (a new attempt after a
   * failover under its own header) and ends when the task ends; destroy it to stop early.
   * Attempts are read one at a time, never the whole history at once. Unknown id: AsyncTaskNotFoundError.
   */
  async getTaskLog(taskId: string, withHistory = true, { follow = false }: TaskLogOptions = {}): Promise<Readable> {
    await this.getTask(taskId);
    return this.logReader.open(taskId, withHistory, follow);
  }

  /**
   * A copy of the task's latest progress (sampled every second on the node that runs it, with
   * `speed` in units per second), from any node; null if it never reported or its copy expired
   * (`progressTtlMs` after its last sample). Unknown id: AsyncTaskNotFoundError.
   */
  async getProgress(taskId: string): Promise<ProgressRecord | null> {
    await this.getTask(taskId);
    return this.progress.read(taskId);
  }

  /**
   * Stops a task. Queued: CANCELLED at once. Running on any node: that node interrupts it and it
   * ends in CANCELLED. Already ended: reported as `already-finished`. Unknown id: AsyncTaskNotFoundError.
   */
  async interrupt(taskId: string): Promise<InterruptResult> {
    for (;;) {
      const record = await this.getTask(taskId);
      if (isFinalStatus(record.status)) return { taskId, outcome: 'already-finished', status: record.status };
      if (record.status === AsyncTaskStatus.RUNNING) {
        // The flag reaches the running node even if it misses the message (it checks every heartbeat).
        await this.redis.client.set(this.redis.keys.interruptFlag(taskId), '1', 'PX', INTERRUPT_FLAG_TTL_MS);
        await this.events.publish({ kind: 'interrupt', taskId });
        return { taskId, outcome: 'interrupting', status: record.status };
      }
      if (await this.records.cancelWaiting(taskId)) {
        await this.queues.remove(record.taskType, taskId, record.attempt);
        await this.events.publish({ kind: 'exit', status: AsyncTaskStatus.CANCELLED, ...subjectOf(taskId, record) });
        return { taskId, outcome: 'cancelled', status: AsyncTaskStatus.CANCELLED };
      }
      // It changed under us (claimed or finished meanwhile): look again.
    }
  }

  /**
   * Calls `listener` with the tasks' live events from every node of the cluster: a `progress` sample
   * per running task about once a second, and an `exit` when a task ends (see AsyncTaskEvent). Events
   * carry the task's owner, name and type where known, so a live view can filter them without reading
   * MySQL. Resolves once listening; call the returned function to stop. Pub/sub delivers at most once:
   * to be sure of an end, also read the record (waitForExit does both).
   */
  async onTaskEvent(listener: (event: AsyncTaskEvent) => void): Promise<() => void> {
    const deliver = (event: AsyncTaskEvent) => {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`A task event listener threw: ${describeError(error)}`);
      }
    };
    const stopExits = await this.events.on('exit', deliver);
    const stopProgress = await this.events.on('progress', ({ samples }) => {
      for (const sample of samples) deliver({ kind: 'progress', ...sample });
    });
    return () => {
      stopExits();
      stopProgress();
    };
  }

  /**
   * Resolves with the record once the task has ended (SUCCESS, FAILED or CANCELLED), or with its
   * current record when `timeoutMs` passes first. Listens before it looks, so no exit is missed.
   */
  async waitForExit(taskId: string, timeoutMs: number): Promise<AsyncTaskRecord> {
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => {};
    const unsubscribe = await this.events.on('exit', (event) => {
      if (event.taskId === taskId) wake();
    });
    try {
      for (;;) {
        const exited = new Promise<void>((resolve) => (wake = resolve));
        const record = await this.getTask(taskId);
        const remaining = deadline - Date.now();
        if (isFinalStatus(record.status) || remaining <= 0) return record;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, Math.min(remaining, EXIT_RECHECK_MS))))]);
        clearTimeout(timer);
      }
    } finally {
      unsubscribe();
    }
  }
}
