import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AsyncTaskManager, AsyncTaskStatus, type AsyncTaskEvent, type ProgressSnapshot } from '@sfc/async-task';
import { OwnedTasks } from '../api/owned-tasks.js';
import type { Caller } from '../auth/token-table.js';
import { TaskQueries, type TaskSubject } from '../task-queries.js';

/** What a client is told about one task whenever its status or progress changes. */
export interface TaskUpdate {
  id: string;
  name: string;
  taskType: string;
  uid: string | null;
  status: AsyncTaskStatus;
  statusName: string;
  progress: ProgressSnapshot | null;
  /** Attempts so far, where the event tells (a progress sample, a retry, a record). */
  attempt?: number;
  /** Retries so far, the next one's start, and the last failure: sent when a task waits for a retry. */
  retryCount?: number;
  runAfter?: string | Date | null;
  failedReason?: string | null;
}

export interface TaskEventsSubscriber {
  caller: Caller;
  send(update: TaskUpdate): void;
  /** Sent every KEEP_ALIVE_MS, so proxies and clients keep the stream open. */
  keepAlive(): void;
}

interface Subscription extends TaskEventsSubscriber {
  /** While the current state is read: ids already sent live (their current state would be older). */
  sentWhileLoading: Set<string> | undefined;
}

const KEEP_ALIVE_MS = 15_000;
/** Active tasks sent to a new subscriber, newest first. */
const MAX_CURRENT_TASKS = 500;
/** Exits that came without their owner (a failover's) are looked up together, once per this window. */
const LOOKUP_WINDOW_MS = 100;
/** Last progress kept per running task (to send with its exit); a missed exit must not grow it forever. */
const MAX_TRACKED_PROGRESS = 20_000;

/**
 * Live task events for this node's event-stream clients, driven by the cluster's own messages
 * (AsyncTaskManager.onTaskEvent: a progress sample per running task each second, an exit per end)
 * instead of polling MySQL. Events carry their task's owner, so each is sent only to the clients
 * that may see it, without a query; MySQL is read once per new client (its active tasks) and for
 * the rare exit that comes without its owner. It listens only while someone does.
 */
@Injectable()
export class TaskEventsHub implements OnModuleDestroy {
  private readonly logger = new Logger(TaskEventsHub.name);
  private readonly subscribers = new Set<Subscription>();
  private readonly lastProgress = new Map<string, ProgressSnapshot>();
  private readonly toLookUp = new Map<string, { status: AsyncTaskStatus; progress: ProgressSnapshot | null }>();
  private lookupTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private stopListening: Promise<() => void> | undefined;

  constructor(
    private readonly manager: AsyncTaskManager,
    private readonly queries: TaskQueries,
  ) {}

  subscribe(subscriber: TaskEventsSubscriber): () => void {
    const subscription: Subscription = { ...subscriber, sentWhileLoading: new Set() };
    this.subscribers.add(subscription);
    if (!this.stopListening) this.start();
    void this.sendCurrent(subscription);
    return () => {
      this.subscribers.delete(subscription);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** How many clients listen now; the hub listens to the cluster only while this is above 0. */
  get listeners(): number {
    return this.stopListening ? this.subscribers.size : 0;
  }

  onModuleDestroy(): void {
    this.subscribers.clear();
    this.stop();
  }

  private start(): void {
    this.stopListening = this.manager.onTaskEvent((event) => this.onEvent(event));
    this.stopListening.catch((error: Error) => this.logger.warn(`Listening for task events failed: ${error.message}`));
    this.keepAliveTimer = setInterval(() => {
      for (const subscriber of this.subscribers) subscriber.keepAlive();
    }, KEEP_ALIVE_MS);
  }

  private stop(): void {
    void this.stopListening?.then((stop) => stop(), () => {});
    this.stopListening = undefined;
    clearInterval(this.keepAliveTimer);
    clearTimeout(this.lookupTimer);
    this.lookupTimer = undefined;
    this.lastProgress.clear();
    this.toLookUp.clear();
  }

  private onEvent(event: AsyncTaskEvent): void {
    // An exit goes out with the task's last sample (sent just before it), which is then forgotten.
    const progress = event.kind === 'progress' ? event.progress : this.progressOf(event.taskId);
    if (event.kind === 'progress') {
      if (this.lastProgress.size >= MAX_TRACKED_PROGRESS) this.lastProgress.clear();
      this.lastProgress.set(event.taskId, event.progress);
    } else {
      this.lastProgress.delete(event.taskId);
    }
    const status = event.kind === 'progress' ? AsyncTaskStatus.RUNNING : event.kind === 'retry' ? AsyncTaskStatus.WAITING : event.status;
    const extra: Partial<TaskUpdate> =
      event.kind === 'retry'
        ? { attempt: event.attempt, retryCount: event.retryCount, runAfter: event.runAfter, failedReason: event.failedReason }
        : event.kind === 'progress'
          ? { attempt: event.attempt }
          : {};
    if (event.uid === undefined || event.name === undefined || event.taskType === undefined) return this.lookUpLater(event.taskId, status, progress);
    // Nobody here may see it: nothing to build.
    if (![...this.subscribers].some((subscriber) => OwnedTasks.sees(subscriber.caller, event.uid ?? null))) return;
    this.deliver({ id: event.taskId, uid: event.uid, name: event.name, taskType: event.taskType }, status, progress, extra);
  }

  private deliver(subject: TaskSubject, status: AsyncTaskStatus, progress: ProgressSnapshot | null, extra: Partial<TaskUpdate> = {}): void {
    const update: TaskUpdate = {
      ...extra,
      id: subject.id,
      name: subject.name,
      taskType: subject.taskType,
      uid: subject.uid,
      status,
      statusName: AsyncTaskStatus[status],
      progress: copyOf(progress),
    };
    for (const subscriber of this.subscribers) {
      if (!OwnedTasks.sees(subscriber.caller, update.uid)) continue;
      subscriber.sentWhileLoading?.add(update.id);
      subscriber.send(update);
    }
  }

  /** The caller's active tasks, once, when they connect (events then bring the changes). */
  private async sendCurrent(subscription: Subscription): Promise<void> {
    try {
      const records = await this.queries.activeTasks(subscription.caller.admin ? undefined : subscription.caller.uid, MAX_CURRENT_TASKS);
      if (!this.subscribers.has(subscription)) return;
      for (const record of records) {
        if (subscription.sentWhileLoading?.has(record.id)) continue;
        subscription.send({
          id: record.id,
          name: record.name,
          taskType: record.taskType,
          uid: record.uid,
          status: record.status,
          statusName: AsyncTaskStatus[record.status],
          progress: copyOf(this.progressOf(record.id)),
          attempt: record.attempt,
          retryCount: record.retryCount,
          failedReason: record.failedReason,
          runAfter: record.runAfter,
        });
      }
    } catch (error) {
      this.logger.warn(`Reading the current tasks for a new event stream failed: ${(error as Error).message}`);
    } finally {
      subscription.sentWhileLoading = undefined;
    }
  }

  private lookUpLater(taskId: string, status: AsyncTaskStatus, progress: ProgressSnapshot | null): void {
    this.toLookUp.set(taskId, { status, progress });
    this.lookupTimer ??= setTimeout(() => void this.lookUp(), LOOKUP_WINDOW_MS);
  }

  private async lookUp(): Promise<void> {
    this.lookupTimer = undefined;
    const pending = new Map(this.toLookUp);
    this.toLookUp.clear();
    try {
      for (const subject of await this.queries.subjects([...pending.keys()])) {
        const { status, progress } = pending.get(subject.id)!;
        this.deliver(subject, status, progress);
      }
    } catch (error) {
      this.logger.warn(`Reading ${pending.size} ended task(s) for live events failed: ${(error as Error).message}`);
    }
  }

  private progressOf(taskId: string): ProgressSnapshot | null {
    return this.lastProgress.get(taskId) ?? null;
  }
}

/** Only the documented fields (a sample also carries the library's own). */
function copyOf(progress: ProgressSnapshot | null): ProgressSnapshot | null {
  return progress && { total: progress.total, loaded: progress.loaded, speed: progress.speed, lastUpdateTime: progress.lastUpdateTime };
}
