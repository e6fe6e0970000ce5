import { CronExpressionParser } from 'cron-parser';

/** When a schedule fires: a cron expression in a time zone, or a fixed interval. */
export type ScheduleTiming = { cron: string; timezone: string; everyMs?: undefined } | { everyMs: number; cron?: undefined; timezone?: string };

/**
 * The first due time strictly after `after`. Cron times come from cron-parser in the schedule's
 * zone (a time skipped by a DST change fires at the shifted instant, a repeated one once); interval
 * ticks are multiples of `everyMs` since the epoch, the same on every node.
 */
export function nextDueAfter(timing: ScheduleTiming, after: Date): Date {
  if (timing.everyMs !== undefined) {
    return new Date((Math.floor(after.getTime() / timing.everyMs) + 1) * timing.everyMs);
  }
  const expression = CronExpressionParser.parse(timing.cron, { tz: timing.timezone, currentDate: after });
  return expression.next().toDate();
}

/**
 * Due times from `first` (itself due) up to `until`, oldest first, at most `limit` of them (the
 * newest are kept: a long outage of a per-second schedule must not be enumerated whole).
 */
export function dueTimesUntil(timing: ScheduleTiming, first: Date, until: Date, limit: number): Date[] {
  if (first > until) return [];
  if (timing.everyMs !== undefined) {
    const last = Math.floor(until.getTime() / timing.everyMs) * timing.everyMs;
    const start = Math.max(first.getTime(), last - (limit - 1) * timing.everyMs);
    const times: Date[] = [];
    for (let time = start; time <= last; time += timing.everyMs) times.push(new Date(time));
    return times;
  }
  const times = [first];
  for (let next = nextDueAfter(timing, first); next <= until; next = nextDueAfter(timing, next)) {
    times.push(next);
    if (times.length > limit) times.shift();
  }
  return times;
}

/** Throws cron-parser's own message when the expression cannot be read. */
export function parseCron(cron: string, timezone: string): void {
  CronExpressionParser.parse(cron, { tz: timezone }).next();
}
