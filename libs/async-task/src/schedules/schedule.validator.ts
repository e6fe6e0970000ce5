import { InvalidAsyncTaskError } from '../errors/invalid-async-task.error.js';
import { InvalidScheduleError } from '../errors/invalid-schedule.error.js';
import { validateSubmission, type ValidSubmission } from '../manager/submission.validator.js';
import type { AsyncTaskScheduleInput } from '../interfaces/async-task-schedule-input.interface.js';
import { parseCron, type ScheduleTiming } from './schedule-timing.js';

/** Shortest `everyMs`: below it a tick would cost more than the work most schedules do. */
export const MIN_SCHEDULE_EVERY_MS = 1000;
/** Longest `everyMs` (a year): longer is a typo rather than a schedule. */
export const MAX_SCHEDULE_EVERY_MS = 366 * 24 * 60 * 60 * 1000;
/** Schedule ids leave room in the 64-character task id for the due time (see scheduledTaskId). */
export const SCHEDULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** A schedule that passed every check: its timing, policies and the task every tick submits. */
export interface ValidSchedule {
  id: string;
  timing: ScheduleTiming;
  catchUp: 'none' | 'last';
  overlap: 'skip' | 'allow';
  task: ValidSubmission;
}

/**
 * Checks a schedule completely before anything is stored; throws InvalidScheduleError naming the
 * field. The task part gets the same checks as a submission.
 */
export function validateSchedule(input: AsyncTaskScheduleInput, maxParamsBytes: number): ValidSchedule {
  if (typeof input !== 'object' || input === null) throw new InvalidScheduleError('input', 'must be an object');
  const { id, cron, everyMs, timezone = 'UTC', catchUp = 'none', overlap = 'skip' } = input;
  if (typeof id !== 'string' || !SCHEDULE_ID_PATTERN.test(id)) {
    throw new InvalidScheduleError('id', `must be 1–40 letters, digits, "_" or "-", got ${JSON.stringify(id)}`);
  }
  const hasCron = cron !== undefined && cron !== null;
  const hasEvery = everyMs !== undefined && everyMs !== null;
  if (hasCron === hasEvery) throw new InvalidScheduleError('cron/everyMs', `need exactly one of them, got ${hasCron ? 'both' : 'neither'}`);
  if (typeof timezone !== 'string' || !isKnownTimeZone(timezone)) {
    throw new InvalidScheduleError('timezone', `must be an IANA time zone such as "Europe/Paris", got ${JSON.stringify(timezone)}`);
  }
  let timing: ScheduleTiming;
  if (hasCron) {
    if (typeof cron !== 'string' || cron.trim() === '' || cron.length > 255) throw new InvalidScheduleError('cron', 'must be a cron expression of at most 255 characters');
    try {
      parseCron(cron, timezone);
    } catch (error) {
      throw new InvalidScheduleError('cron', `"${cron}" cannot be parsed (${(error as Error).message})`);
    }
    timing = { cron, timezone };
  } else {
    if (!Number.isSafeInteger(everyMs) || everyMs! < MIN_SCHEDULE_EVERY_MS || everyMs! > MAX_SCHEDULE_EVERY_MS) {
      throw new InvalidScheduleError('everyMs', `must be an integer from ${MIN_SCHEDULE_EVERY_MS} to ${MAX_SCHEDULE_EVERY_MS}, got ${String(everyMs)}`);
    }
    timing = { everyMs: everyMs!, timezone };
  }
  if (catchUp !== 'none' && catchUp !== 'last') throw new InvalidScheduleError('catchUp', `must be "none" or "last", got ${JSON.stringify(catchUp)}`);
  if (overlap !== 'skip' && overlap !== 'allow') throw new InvalidScheduleError('overlap', `must be "skip" or "allow", got ${JSON.stringify(overlap)}`);
  const { name = id, taskType, params, uid, cpuOverhead, priority, retries, backoff, timeoutMs } = input;
  let task: ValidSubmission;
  try {
    task = validateSubmission({ name, taskType, params, uid, cpuOverhead, priority, retries, backoff, timeoutMs }, maxParamsBytes);
  } catch (error) {
    if (error instanceof InvalidAsyncTaskError) throw new InvalidScheduleError(error.field, error.problem);
    throw error;
  }
  return { id, timing, catchUp, overlap, task };
}

function isKnownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
