import { describe, expect, it } from '@jest/globals';
import { dueTimesUntil, nextDueAfter } from './schedule-timing.js';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

/** The due times of a cron schedule after `from`, computed as the ticker does, one after another. */
function cronDueTimes(cron: string, timezone: string, from: string, count: number): string[] {
  const times: Date[] = [];
  let after = new Date(from);
  for (let i = 0; i < count; i++) times.push((after = nextDueAfter({ cron, timezone }, after)));
  return iso(times);
}

describe('schedule timing', () => {
  it('fires a daily 02:30 New York schedule at 02:30 local on both sides of the spring-forward change, and at 03:30 EDT on the day 02:30 does not exist', () => {
    // 2026-03-08: clocks jump from 02:00 EST (UTC-5) to 03:00 EDT (UTC-4).
    expect(cronDueTimes('30 2 * * *', 'America/New_York', '2026-03-06T12:00:00Z', 4)).toEqual([
      '2026-03-07T07:30:00.000Z', // 02:30 EST
      '2026-03-08T07:30:00.000Z', // 02:30 is skipped: 03:30 EDT, once
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
      '2026-03-10T06:30:00.000Z',
    ]);
  });

  it('fires a daily 01:30 New York schedule once on the fall-back day, when 01:30 happens twice', () => {
    // 2026-11-01: clocks go back from 02:00 EDT (UTC-4) to 01:00 EST (UTC-5).
    expect(cronDueTimes('30 1 * * *', 'America/New_York', '2026-10-30T12:00:00Z', 4)).toEqual([
      '2026-10-31T05:30:00.000Z', // 01:30 EDT
      '2026-11-01T05:30:00.000Z', // the first 01:30 only
      '2026-11-02T06:30:00.000Z', // 01:30 EST
      '2026-11-03T06:30:00.000Z',
    ]);
  });

  it('keeps an hourly Berlin schedule exactly one real hour apart through the autumn change (25 ticks that day)', () => {
    // 2026-10-25 in Berlin has 25 hours: 02:00–02:59 happens twice.
    const ticks = cronDueTimes('0 * * * *', 'Europe/Berlin', '2026-10-24T21:59:00Z', 26);
    expect(ticks[0]).toBe('2026-10-24T22:00:00.000Z'); // 00:00 CEST, local midnight
    const gaps = ticks.slice(1).map((tick, index) => Date.parse(tick) - Date.parse(ticks[index]));
    expect(new Set(gaps)).toEqual(new Set([3_600_000]));
    expect(ticks[25]).toBe('2026-10-25T23:00:00.000Z'); // the next local midnight (CET) comes 25 ticks later
  });

  it('puts interval ticks on multiples of everyMs since the epoch, the same from any starting instant', () => {
    expect(nextDueAfter({ everyMs: 5000 }, new Date(12_345)).getTime()).toBe(15_000);
    expect(nextDueAfter({ everyMs: 5000 }, new Date(15_000)).getTime()).toBe(20_000);
  });

  it('lists due times up to now, keeping the newest when there are more than the limit', () => {
    expect(iso(dueTimesUntil({ everyMs: 1000 }, new Date(3000), new Date(6500), 10))).toEqual(iso([3000, 4000, 5000, 6000].map((ms) => new Date(ms))));
    expect(iso(dueTimesUntil({ everyMs: 1000 }, new Date(3000), new Date(6500), 2))).toEqual(iso([5000, 6000].map((ms) => new Date(ms))));
    expect(dueTimesUntil({ everyMs: 1000 }, new Date(7000), new Date(6500), 10)).toEqual([]);
    const cron = dueTimesUntil({ cron: '0 * * * *', timezone: 'UTC' }, new Date('2026-01-01T01:00:00Z'), new Date('2026-01-01T04:30:00Z'), 10);
    expect(iso(cron)).toEqual(['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z', '2026-01-01T04:00:00.000Z']);
  });
});
