import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { InvalidAsyncTaskOptionsError } from '../errors/invalid-options.error.js';
import { InvalidScheduleError } from '../errors/invalid-schedule.error.js';
import { ScheduleNotFoundError } from '../errors/schedule-not-found.error.js';
import type { AsyncTaskScheduleInput } from '../interfaces/async-task-schedule-input.interface.js';
import type { AsyncTaskScheduleInfo } from './schedule-info.js';
import { ScheduleStore } from './schedule.store.js';
import { nextDueAfter } from './schedule-timing.js';
import { validateSchedule } from './schedule.validator.js';

/**
 * Defining schedules: validate, then store in one statement. The ticker listens here to look at a
 * changed schedule at once on this node; other nodes see it at their next poll (within a second).
 */
@Injectable()
export class ScheduleService implements OnModuleInit {
  private readonly listeners = new Set<() => void>();

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly store: ScheduleStore,
  ) {}

  /** Validates completely (InvalidScheduleError, nothing stored) and inserts or replaces the schedule. */
  async upsert(input: AsyncTaskScheduleInput): Promise<AsyncTaskScheduleInfo> {
    const schedule = validateSchedule(input, this.options.maxParamsBytes);
    const now = new Date();
    await this.store.upsert(schedule, nextDueAfter(schedule.timing, now), now);
    this.changed();
    return this.get(schedule.id);
  }

  /**
   * Declared schedules fail the start, naming the one at fault (InvalidAsyncTaskOptionsError
   * `schedules[i].field`), before any of them is stored or any node work starts.
   */
  onModuleInit(): void {
    const ids = new Set<string>();
    this.options.schedules.forEach((schedule, index) => {
      try {
        validateSchedule(schedule, this.options.maxParamsBytes);
      } catch (error) {
        if (error instanceof InvalidScheduleError) throw new InvalidAsyncTaskOptionsError(`schedules[${index}].${error.field}`, error.problem);
        throw error;
      }
      if (ids.has(schedule.id)) throw new InvalidAsyncTaskOptionsError(`schedules[${index}].id`, `"${schedule.id}" is declared twice`);
      ids.add(schedule.id);
    });
  }

  /** The `schedules` of the module options, upserted at every start: deploying twice changes nothing. */
  async upsertDeclared(): Promise<void> {
    for (const schedule of this.options.schedules) await this.upsert(schedule);
  }

  /** Deletes it; tasks it already submitted stay. ScheduleNotFoundError for an unknown id. */
  async remove(id: string): Promise<void> {
    if (!(typeof id === 'string' && (await this.store.remove(id)))) throw new ScheduleNotFoundError(String(id));
    this.changed();
  }

  /** ScheduleNotFoundError for an unknown id. */
  async get(id: string): Promise<AsyncTaskScheduleInfo> {
    const [schedule] = typeof id === 'string' ? await this.store.list({ id }) : [];
    if (!schedule) throw new ScheduleNotFoundError(String(id));
    return schedule;
  }

  list(filter: { uid?: string | number } = {}): Promise<AsyncTaskScheduleInfo[]> {
    return this.store.list(filter.uid === undefined ? {} : { uid: String(filter.uid) });
  }

  /** Calls `listener` after every change made on this node; answers the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
