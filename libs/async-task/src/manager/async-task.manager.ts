import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { AsyncTaskStatus, isFinalStatus } from '../enums/async-task-status.enum.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { TaskEventFeed } from '../cluster/task-event.feed.js';
import { TaskExits } from '../cluster/task-exits.js';
import type { AsyncTaskEvent } from '../interfaces/async-task-event.interface.js';
import { TaskInterrupts } from '../cluster/task-interrupts.js';
import { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import { AsyncTaskNotFoundError } from '../errors/async-task-not-found.error.js';
import { InvalidAsyncTaskError } from '../errors/invalid-async-task.error.js';
import { FactoryRegistry } from '../factories/factory-registry.js';
import type { AsyncTaskFactory } from '../task/async-task-factory.interface.js';
import type { TaskLogOptions } from '../interfaces/task-log-options.interface.js';
import type { SubmitAsyncTaskInput } from '../interfaces/submit-async-task-input.interface.js';
import type { InterruptResult } from '../interfaces/interrupt-result.interface.js';
import type { WaitForExitResult } from '../interfaces/wait-for-exit-result.interface.js';
import type { Page } from '../interfaces/page.interface.js';
import type { ListTasksQuery } from '../interfaces/list-tasks-query.interface.js';
import { validateSubmission } from './submission.validator.js';
import type { AsyncTaskNodeInfo } from '../interfaces/async-task-node-info.interface.js';
import { NodeRegistry } from '../cluster/node-registry.js';
import { newTaskRecord } from './new-task-record.js';
import { validateBulkSubmission } from './bulk-submission.validator.js';
import type { BulkSubmitAnswer } from '../interfaces/bulk-submit-answer.interface.js';
import { DuplicateTaskIdError } from '../errors/duplicate-task-id.error.js';
import type { ProgressRecord } from '../task/progress-record.js';
import { ProgressStore } from '../progress/progress.store.js';
import { TaskLogReader } from '../task-log/task-log.reader.js';
import { TaskQueues } from '../queue/task-queues.js';
import { describeError } from '../util/describe-error.js';
import { TaskSubmissions } from './task-submissions.js';
import { TaskRecordStore } from '../persistence/task-record.store.js';
import { UnrunnableTypeWarnings } from './unrunnable-type.warnings.js';
import { TaskNotEndedError } from '../errors/task-not-ended.error.js';
import { messages } from '../async-task.messages.js';
import { PolicyCounters, type TaskPolicyCounts } from '../policies/policy-counters.js';
import { waitAtMost } from '../util/with-timeout.js';
import type { AsyncTaskScheduleInput } from '../interfaces/async-task-schedule-input.interface.js';
import type { AsyncTaskScheduleInfo } from '../schedules/schedule-info.js';
import { ScheduleService } from '../schedules/schedule.service.js';
import { PruneCounters, type RetentionCounts } from '../retention/prune-counters.js';

/** How often waitForExit re-reads the record in case an exit event was missed (e.g. Redis reconnect). */
const EXIT_RECHECK_MS = 1000;

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
    private readonly exits: TaskExits,
    private readonly eventFeed: TaskEventFeed,
    private readonly interrupts: TaskInterrupts,
    private readonly nodes: NodeRegistry,
    private readonly logReader: TaskLogReader,
    private readonly progress: ProgressStore,
    private readonly typeWarnings: UnrunnableTypeWarnings,
    private readonly counters: PolicyCounters,
    private readonly schedules: ScheduleService,
    private readonly pruneCounters: PruneCounters,
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
    const record = newTaskRecord(valid, new Date(), this.options.prefix);
    const notQueued = await this.submissions.submit(record, valid.delayMs);
    // The record is saved; the failover scan republishes WAITING tasks missing from the queue.
    if (notQueued) this.logger.warn(messages.notQueuedYet(record.id, describeError(notQueued)));
    this.typeWarnings.notice(record.taskType);
    return record;
  }

  /**
   * Submits many tasks in one call: every task is checked first, then they are saved with multi-row
   * statements and queued with one Redis round trip per batch of rows. Answers one BulkSubmitAnswer per
   * task, in the order given: its record, or the error that refused it alone — a malformed task
   * (InvalidAsyncTaskError naming `inputs[i]`) or a taken id (DuplicateTaskIdError; an id given twice
   * in the call keeps its first task) is not saved, and the others are, exactly once. The call as a
   * whole is refused, with nothing saved, when it is empty (InvalidAsyncTaskError) or holds more than
   * MAX_BULK_SUBMIT_TASKS tasks or MAX_BULK_SUBMIT_BYTES bytes of params (BulkSubmissionTooLargeError).
   */
  async submitAsyncTasks(inputs: SubmitAsyncTaskInput[]): Promise<BulkSubmitAnswer[]> {
    const checked = validateBulkSubmission(inputs, this.options.maxParamsBytes);
    const now = new Date();
    const answers: BulkSubmitAnswer[] = [];
    const toSave: Array<{ index: number; record: AsyncTaskRecord; delayMs: number }> = [];
    const ids = new Set<string>();
    for (const [index, valid] of checked.entries()) {
      if (valid instanceof Error) {
        answers[index] = { ok: false, error: valid };
        continue;
      }
      const record = newTaskRecord(valid, now, this.options.prefix);
      // Decided before any write, in call order, so the first task with an id is the one saved.
      if (ids.has(record.id)) {
        answers[index] = { ok: false, error: new DuplicateTaskIdError(record.id) };
        continue;
      }
      ids.add(record.id);
      toSave.push({ index, record, delayMs: valid.delayMs });
    }
    let notQueued = 0;
    let notQueuedBecause: unknown;
    const written = this.submissions.submitAll(toSave);
    await Promise.all(
      toSave.map(async ({ index, record }, position) => {
        try {
          const failure = await written[position];
          if (failure) [notQueued, notQueuedBecause] = [notQueued + 1, failure];
          answers[index] = { ok: true, record };
        } catch (error) {
          answers[index] = { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
        }
      }),
    );
    for (const taskType of new Set(toSave.map(({ record }) => record.taskType))) this.typeWarnings.notice(taskType);
    // One line for the call, not one per task, when Redis refused whole batches.
    if (notQueued > 0) this.logger.warn(messages.bulkNotQueuedYet(notQueued, checked.length, describeError(notQueuedBecause)));
    return answers;
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
   * `speed` in units per second, and `sampledAt`, when that sample was taken, to judge how fresh it
   * is), from any node; null if it never reported or its copy expired (`progressTtlMs` after its last
   * sample). Unknown id: AsyncTaskNotFoundError.
   */
  async getProgress(taskId: string): Promise<ProgressRecord | null> {
    await this.getTask(taskId);
    return this.progress.read(taskId);
  }

  /**
   * Stops a task. Queued: CANCELLED at once (`cancelled`). Running on any node: `interrupting`, and it
   * always ends in CANCELLED — the interrupt is recorded on the task before this answers, and the
   * attempt's final write turns it into CANCELLED even if `execute()` had just completed its work.
   * Already ended before the interrupt was recorded: `already-finished` with its final status. Unknown
   * id: AsyncTaskNotFoundError.
   */
  async interrupt(taskId: string): Promise<InterruptResult> {
    for (;;) {
      const record = await this.getTask(taskId);
      if (isFinalStatus(record.status)) return { taskId, outcome: 'already-finished', status: record.status };
      if (record.status === AsyncTaskStatus.RUNNING) {
        // Accepted only if this attempt still runs; else it just ended or was taken over: look again.
        if (!(await this.records.requestInterrupt(taskId, record.attempt))) continue;
        // Now stop the work at once, wherever it runs (and its next attempt too if this one is failed over).
        await this.interrupts.request(taskId);
        return { taskId, outcome: 'interrupting', status: record.status };
      }
      if (await this.records.cancelWaiting(taskId)) {
        await this.queues.remove(record.taskType, taskId, record.attempt);
        await this.exits.announce(taskId, AsyncTaskStatus.CANCELLED, record);
        return { taskId, outcome: 'cancelled', status: AsyncTaskStatus.CANCELLED };
      }
      // It changed under us (claimed or finished meanwhile): look again.
    }
  }

  /**
   * Runs an ended task (SUCCESS, FAILED or CANCELLED) again: same id, WAITING again, its next attempt
   * numbered after the existing ones (whose logs stay, each under its header; the new one's header
   * says "rerun"), with its retries and lost attempts counted afresh. Answers the record as the
   * rerun wrote it (WAITING; it may be running by the time you read it). A task that has not ended:
   * TaskNotEndedError; unknown id: AsyncTaskNotFoundError.
   */
  async rerun(taskId: string): Promise<AsyncTaskRecord> {
    const record = await this.getTask(taskId);
    if (!isFinalStatus(record.status)) throw new TaskNotEndedError(taskId, record.status);
    // An interrupt of an earlier run must not reach the new one through its fallback flag.
    await this.interrupts.clear(taskId);
    const waiting = await this.records.rerun(record, messages.rerunStart());
    if (!waiting) {
      // Rerun at the same moment by someone else: that one won.
      const now = await this.getTask(taskId);
      throw new TaskNotEndedError(taskId, now.status);
    }
    try {
      await this.queues.publish(record.taskType, { taskId, attempt: record.attempt, cpuOverhead: record.cpuOverhead }, record.priority, 0);
    } catch (error) {
      this.logger.warn(`Task ${taskId} set to rerun but not queued yet (${describeError(error)}); it will be republished`);
    }
    return waiting;
  }

  /** Retries and timeouts per task type, counted across the cluster (for metrics). */
  getPolicyCounts(): Promise<TaskPolicyCounts[]> {
    return this.counters.read();
  }

  /**
   * Creates or replaces (atomically, in one statement) a recurring schedule: every due time of its
   * `cron` (in its `timezone`) or `everyMs` becomes one ordinary task, whose id derives from the
   * schedule id and the due time (`<id>-at-<epoch ms>`), so the whole cluster makes exactly one task
   * per tick. Replacing it with the same timing keeps its next due time; a new timing starts afresh.
   * Bad input (invalid cron, unknown time zone, `everyMs` under 1000, both or neither of `cron` and
   * `everyMs`, a task field a submission would refuse): InvalidScheduleError, nothing stored.
   */
  upsertSchedule(input: AsyncTaskScheduleInput): Promise<AsyncTaskScheduleInfo> {
    return this.schedules.upsert(input);
  }

  /** Deletes a schedule (tasks it already submitted stay). Unknown id: ScheduleNotFoundError. */
  removeSchedule(id: string): Promise<void> {
    return this.schedules.remove(id);
  }

  /** Every schedule (or one owner's), by id, with its next due time and the status of its last run. */
  listSchedules(filter: { uid?: string | number } = {}): Promise<AsyncTaskScheduleInfo[]> {
    return this.schedules.list(filter);
  }

  /** One schedule, as listSchedules() shows it. Unknown id: ScheduleNotFoundError. */
  getSchedule(id: string): Promise<AsyncTaskScheduleInfo> {
    return this.schedules.get(id);
  }

  /** What retention deleted across the cluster (for metrics). */
  getRetentionCounts(): Promise<RetentionCounts> {
    return this.pruneCounters.read();
  }

  /**
   * Calls `listener` with the tasks' live events from every node of the cluster: a `progress` sample
   * per running task about once a second, and an `exit` when a task ends (see AsyncTaskEvent). Events
   * carry the task's owner, name and type where known, so a live view can filter them without reading
   * MySQL. Resolves once listening; call the returned function to stop. Pub/sub delivers at most once:
   * to be sure of an end, also read the record (waitForExit does both).
   */
  onTaskEvent(listener: (event: AsyncTaskEvent) => void): Promise<() => void> {
    return this.eventFeed.listen(listener);
  }

  /**
   * Resolves with the record once the task has ended (SUCCESS, FAILED or CANCELLED; `timedOut: false`),
   * or with its current record and `timedOut: true` when `timeoutMs` passes first. Listens before it
   * looks, so no exit is missed. Unknown id: AsyncTaskNotFoundError.
   */
  async waitForExit(taskId: string, timeoutMs: number): Promise<WaitForExitResult> {
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => {};
    const unsubscribe = await this.exits.listen((exitedId) => {
      if (exitedId === taskId) wake();
    });
    try {
      for (;;) {
        const exited = new Promise<void>((resolve) => (wake = resolve));
        const record = await this.getTask(taskId);
        const remaining = deadline - Date.now();
        if (isFinalStatus(record.status)) return Object.assign(record, { timedOut: false });
        if (remaining <= 0) return Object.assign(record, { timedOut: true });
        await waitAtMost(exited, Math.min(remaining, EXIT_RECHECK_MS));
      }
    } finally {
      unsubscribe();
    }
  }
}
