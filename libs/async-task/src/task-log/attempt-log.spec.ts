import { AsyncTaskLog } from '../task/async-task-log.js';
import { AttemptLog } from './attempt-log.js';
import { formatLogTime } from '../task/log-line.format.js';

describe('AsyncTaskLog', () => {
  it('writes lines with padded levels and the real month', () => {
    expect(formatLogTime(new Date(2026, 10, 28, 14, 3, 7, 123))).toBe('2026-11-28 14:03:07.123');
    const kept = new AttemptLog(100_000);
    const log = new AsyncTaskLog(kept);
    log.info('hello');
    log.error(new Error('boom'));
    log.write('raw output\n');
    expect(kept.text()).toMatch(/^\[ INFO\]\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] hello\n\[ERROR\]\[[^\]]+\] Error: boom\n\s+at .*\n[\s\S]*raw output\n$/);
  });

  it('caps an attempt at its size with one marker, and never throws past it', () => {
    const kept = new AttemptLog(100);
    const log = new AsyncTaskLog(kept);
    for (let i = 0; i < 1000; i++) log.info(`line ${i} ${'x'.repeat(20)}`);
    const text = kept.text();
    expect(kept.truncated).toBe(true);
    expect(text.match(/log truncated/g)).toHaveLength(1);
    const [kept100] = text.split(/\n?\[ WARN\]/);
    expect(Buffer.byteLength(kept100)).toBeLessThanOrEqual(100);
    expect(kept.droppedBytes).toBeGreaterThan(40000);
  });
});
