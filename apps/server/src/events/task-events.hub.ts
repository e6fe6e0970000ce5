import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AsyncTaskManager, AsyncTaskStatus, type AsyncTaskRecord, type ProgressSnapshot } from '@sfc/async-task';
import { OwnedTasks } from '../api/owned-tasks.js';
import type { Caller } from '../auth/token-table.js';
import { TaskQueries } from '../task-queries.js';

/** What a client is told about one task whenever its status or progress changes. */
export interface TaskUpdate {
  id: string;
  name: string;
  taskType: string;
  uid: string | null;
  status: AsyncTaskStatus;
  statusName: string;
  progress: ProgressSnapshot | null;
  /** Attempts started, retries used, the last failure, and when a waiting retry may start. */
  attempt: number;
  retryCount: number;
  failedReason: string | null;
  runAfter: Date | null;
}

export interface TaskEventsSubscriber {
  caller: Caller;
  send(update: TaskUpdate): void;
  /** Sent when nothing changed for a while, so proxies and clients keep the stream open. */
  keepAlive(): void;
}

const POLL_MS = 1000;
/** Ended tasks are picked up if they changed within this window (several polls, so none is missed). */
const RECENT_WINDOW_SECONDS = 5;
const MAX_TASKS_PER_POLL = 500;
const KEEP_ALIVE_EVERY_POLLS = 15;

/**
 * One poller for all event-stream clients of this node: each second, while anyone listens, it reads
 * the active and recently changed tasks and their progress once, and sends each client the changes
 * to the tasks it may see. It stops when the last client leaves.
 */
@Injectable()
export class TaskEventsHub implements OnModuleDestroy {
  private readonly logger = new Logger(TaskEventsHub.name);
  private readonly subscribers = new Set<TaskEventsSubscriber>();
  /** Last update sent per task (as JSON), to send only changes; a new client gets all of them first. */
  private sent = new Map<string, { update: TaskUpdate; json: string }>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private polls = 0;

  constructor(
    private readonly manager: AsyncTaskManager,
    private readonly queries: TaskQueries,
  ) {}

  subscribe(subscriber: TaskEventsSubscriber): () => void {
    this.subscribers.add(subscriber);
    for (const { update } of this.sent.values()) if (OwnedTasks.sees(subscriber.caller, update.uid)) subscriber.send(update);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), POLL_MS);
      void this.poll();
    }
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** How many clients listen now; the poller runs only while this is above 0. */
  get listeners(): number {
    return this.timer ? this.subscribers.size : 0;
  }

  onModuleDestroy(): void {
    this.subscribers.clear();
    this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sent.clear();
  }

  private async poll(): Promise<void> {
    if (this.polling) return; // a slow database: skip a beat rather than pile up queries
    this.polling = true;
    try {
      const records = await this.queries.recentlyActive(RECENT_WINDOW_SECONDS, MAX_TASKS_PER_POLL);
      const updates = await Promise.all(records.map((record) => this.updateOf(record)));
      if (!this.timer) return; // everyone left while we were reading
      const next = new Map<string, { update: TaskUpdate; json: string }>();
      let changed = false;
      for (const update of updates) {
        const json = JSON.stringify(update);
        next.set(update.id, { update, json });
        if (this.sent.get(update.id)?.json === json) continue;
        changed = true;
        for (const subscriber of this.subscribers) if (OwnedTasks.sees(subscriber.caller, update.uid)) subscriber.send(update);
      }
      this.sent = next;
      if (++this.polls % KEEP_ALIVE_EVERY_POLLS === 0 && !changed) for (const subscriber of this.subscribers) subscriber.keepAlive();
    } catch (error) {
      this.logger.warn(`Polling tasks for live events failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  private async updateOf(record: AsyncTaskRecord): Promise<TaskUpdate> {
    const progress = await this.manager.getProgress(record.id);
    return {
      id: record.id,
      name: record.name,
      taskType: record.taskType,
      uid: record.uid,
      status: record.status,
      statusName: AsyncTaskStatus[record.status],
      progress: progress ? { total: progress.total, loaded: progress.loaded, speed: progress.speed, lastUpdateTime: progress.lastUpdateTime } : null,
      attempt: record.attempt,
      retryCount: record.retryCount,
      failedReason: record.failedReason,
      runAfter: record.runAfter,
    };
  }
}
