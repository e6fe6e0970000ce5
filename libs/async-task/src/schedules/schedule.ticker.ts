import { Injectable, Logger } from '@nestjs/common';
import { isFinalStatus } from '../enums/async-task-status.enum.js';
import { AsyncTaskManager } from '../manager/async-task.manager.js';
import { messages } from '../async-task.messages.js';
import type { AsyncTaskSchedule } from '../entities/async-task-schedule.entity.js';
import { DuplicateTaskIdError } from '../errors/duplicate-task-id.error.js';
import type { BackoffPolicy } from '../task/task-policy.interface.js';
import { TaskRecordStore } from '../persistence/task-record.store.js';
import { ScheduleService } from './schedule.service.js';
import { ScheduleStore } from './schedule.store.js';
import { dueTimesUntil, nextDueAfter, type ScheduleTiming } from './schedule-timing.js';
import { scheduledTaskId } from './scheduled-task-id.js';

/** Every node looks at least this often, so a schedule changed on another node is seen within it. */
const POLL_MS = 1000;
/** Never poll faster than this, even when a tick is due again at once. */
const MIN_POLL_GAP_MS = 20;
/** Schedules handled per poll; more are handled by the next poll, which comes right after. */
const SCHEDULES_PER_POLL = 100;
/** Due times looked at per schedule and poll: a per-second schedule down for a day is not enumerated whole. */
const TICKS_PER_POLL = 100;
/**
 * A tick due longer ago than this when a node first looks was missed (no node was up): it follows
 * the schedule's `catchUp`. A younger one is merely late (a busy poll, a node that just died) and fires.
 */
export const SCHEDULE_LATE_TOLERANCE_MS = 10_000;

/**
 * Fires due ticks. Every node polls (no leader to lose): each due tick becomes an ordinary task
 * whose id derives from (schedule, due time), so nodes that fire the same tick at once make one
 * task — the others hit the primary key — and a node that dies between submitting and moving the
 * schedule on leaves the tick to the next node, which finds the task already there.
 */
@Injectable()
export class ScheduleTicker {
  private readonly logger = new Logger(ScheduleTicker.name);
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private pollAgain = false;
  private stopped = true;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: ScheduleStore,
    private readonly schedules: ScheduleService,
    private readonly manager: AsyncTaskManager,
    private readonly records: TaskRecordStore,
  ) {}

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.schedules.onChange(() => this.pollSoon(0));
    this.pollSoon(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.polling;
  }

  private pollSoon(delayMs: number): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.polling = this.pollOnce().then((nextInMs) => {
        this.polling = undefined;
        const again = this.pollAgain;
        this.pollAgain = false;
        this.pollSoon(again ? 0 : nextInMs);
      });
    }, delayMs);
  }

  /**
   * Fires what is due; answers when to look next: at the earliest due time, at most POLL_MS away
   * (one small query a second on an idle node), or right after firing, to look again.
   */
  private async pollOnce(): Promise<number> {
    try {
      const earliest = await this.store.earliestDue();
      if (!earliest) return POLL_MS;
      const untilEarliest = earliest.getTime() - Date.now();
      if (untilEarliest > 0) return Math.min(POLL_MS, Math.max(MIN_POLL_GAP_MS, untilEarliest));
      let failed = false;
      for (const schedule of await this.store.findDue(new Date(), SCHEDULES_PER_POLL)) {
        try {
          await this.fire(schedule, new Date());
        } catch (error) {
          failed = true;
          this.logger.warn(messages.scheduleFailed(schedule.id, (error as Error).message));
        }
      }
      // A tick that could not fire (database away) is tried again a poll later, not in a tight loop.
      return failed ? POLL_MS : MIN_POLL_GAP_MS;
    } catch (error) {
      this.logger.warn(messages.schedulePollFailed((error as Error).message));
      return POLL_MS;
    }
  }

  /** Submits the task(s) of a due schedule as its policies say, then moves it on to its next due time. */
  private async fire(schedule: AsyncTaskSchedule, now: Date): Promise<void> {
    const timing = timingOf(schedule);
    const dueTimes = dueTimesUntil(timing, schedule.nextDueAt, now, TICKS_PER_POLL);
    let toFire = ticksToFire(dueTimes, now, schedule.catchUp);
    if (schedule.overlap === 'skip') {
      toFire = toFire.slice(-1);
      if (toFire.length > 0 && (await this.previousRunActive(schedule))) toFire = [];
    }
    let fired: { dueAt: Date; taskId: string } | null = null;
    for (const dueAt of toFire) fired = { dueAt, taskId: await this.submit(schedule, dueAt) };
    await this.store.advance(schedule.id, schedule.nextDueAt, nextDueAfter(timing, now), fired);
  }

  private async previousRunActive(schedule: AsyncTaskSchedule): Promise<boolean> {
    if (!schedule.lastTaskId) return false;
    const last = await this.records.findById(schedule.lastTaskId);
    return last !== null && !isFinalStatus(last.status);
  }

  /** The tick's task; if another node submitted it first, that one is the tick's task. */
  private async submit(schedule: AsyncTaskSchedule, dueAt: Date): Promise<string> {
    const id = scheduledTaskId(schedule.id, dueAt);
    try {
      await this.manager.submitAsyncTask({
        id,
        name: schedule.name,
        taskType: schedule.taskType,
        params: schedule.params,
        uid: schedule.uid ?? undefined,
        cpuOverhead: schedule.cpuOverhead,
        priority: schedule.priority,
        retries: schedule.retries ?? undefined,
        backoff: schedule.backoff ? (JSON.parse(schedule.backoff) as BackoffPolicy) : undefined,
        timeoutMs: schedule.timeoutMs ?? undefined,
      });
    } catch (error) {
      if (!(error instanceof DuplicateTaskIdError)) throw error;
    }
    return id;
  }
}

export function timingOf(schedule: Pick<AsyncTaskSchedule, 'cron' | 'everyMs' | 'timezone'>): ScheduleTiming {
  return schedule.cron !== null ? { cron: schedule.cron, timezone: schedule.timezone } : { everyMs: schedule.everyMs!, timezone: schedule.timezone };
}

/**
 * Which of the due times (oldest first) get a task: every one that is merely late; the missed ones
 * (older than SCHEDULE_LATE_TOLERANCE_MS) only with `catchUp: 'last'`, and then only the latest, and
 * only if no late one fires anyway.
 */
export function ticksToFire(dueTimes: Date[], now: Date, catchUp: 'none' | 'last'): Date[] {
  const late = dueTimes.filter((dueAt) => now.getTime() - dueAt.getTime() <= SCHEDULE_LATE_TOLERANCE_MS);
  if (late.length > 0) return late;
  return catchUp === 'last' && dueTimes.length > 0 ? [dueTimes[dueTimes.length - 1]] : [];
}
