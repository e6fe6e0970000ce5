import { describe, expect, it } from '@jest/globals';
import { InvalidScheduleError } from '../errors/invalid-schedule.error.js';
import { SCHEDULE_LATE_TOLERANCE_MS, ticksToFire } from './schedule.ticker.js';
import { validateSchedule } from './schedule.validator.js';

const now = new Date('2026-06-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('which ticks fire', () => {
  it('fires every late tick (within the tolerance), whatever catchUp says', () => {
    const late = [ago(2000), ago(1000), ago(0)];
    expect(ticksToFire(late, now, 'none')).toEqual(late);
    expect(ticksToFire(late, now, 'last')).toEqual(late);
  });

  it('drops missed ticks with catchUp none, and runs only the latest missed one with catchUp last', () => {
    const missed = [ago(3 * 3_600_000), ago(2 * 3_600_000), ago(SCHEDULE_LATE_TOLERANCE_MS + 1)];
    expect(ticksToFire(missed, now, 'none')).toEqual([]);
    expect(ticksToFire(missed, now, 'last')).toEqual([missed[2]]);
  });

  it('does not add a missed tick when a late one fires anyway', () => {
    expect(ticksToFire([ago(60_000), ago(500)], now, 'last')).toEqual([ago(500)]);
  });
});

describe('schedule validation', () => {
  const base = { id: 'nightly', taskType: 'sleep' };
  const problem = (input: object) => {
    try {
      validateSchedule(input as never, 65536);
    } catch (error) {
      if (error instanceof InvalidScheduleError) return error.field;
      throw error;
    }
    return 'accepted';
  };

  it('names the field at fault', () => {
    expect(problem({ ...base, cron: 'not a cron' })).toBe('cron');
    expect(problem({ ...base, cron: '61 * * * *' })).toBe('cron');
    expect(problem({ ...base, cron: '0 3 * * *', timezone: 'Mars/Olympus_Mons' })).toBe('timezone');
    expect(problem({ ...base, everyMs: 999 })).toBe('everyMs');
    expect(problem({ ...base, everyMs: 1000, cron: '* * * * *' })).toBe('cron/everyMs');
    expect(problem({ ...base })).toBe('cron/everyMs');
    expect(problem({ ...base, id: 'x'.repeat(41), everyMs: 1000 })).toBe('id');
    expect(problem({ ...base, everyMs: 1000, catchUp: 'all' })).toBe('catchUp');
    expect(problem({ ...base, everyMs: 1000, overlap: 'queue' })).toBe('overlap');
    expect(problem({ ...base, everyMs: 1000, taskType: 'bad type' })).toBe('taskType');
    expect(problem({ ...base, everyMs: 1000, retries: -1 })).toBe('retries');
  });

  it('accepts a cron in a time zone and an interval at the minimum', () => {
    expect(problem({ ...base, cron: '30 2 * * *', timezone: 'America/New_York' })).toBe('accepted');
    expect(problem({ ...base, everyMs: 1000 })).toBe('accepted');
  });
});
