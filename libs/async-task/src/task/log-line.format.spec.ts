import { formatAttemptHeader, formatLogLine } from './log-line.format.js';

describe('log line formats', () => {
  it('heads an attempt with its number, node and local start time', () => {
    const startedAt = new Date(2026, 10, 28, 14, 3, 7, 123);
    expect(formatAttemptHeader(1, 'node-a', startedAt)).toBe('===== attempt 1 on node-a, started 2026-11-28 14:03:07.123 =====\n');
  });

  it('pads every field of the start time', () => {
    expect(formatAttemptHeader(12, 'n', new Date(2027, 0, 2, 3, 4, 5, 6))).toBe('===== attempt 12 on n, started 2027-01-02 03:04:05.006 =====\n');
  });

  it('leaves out what is not known', () => {
    expect(formatAttemptHeader(3, null, null)).toBe('===== attempt 3 =====\n');
    expect(formatAttemptHeader(2, 'n', new Date(2027, 0, 2, 3, 4, 5, 6), 'rerun')).toBe('===== attempt 2 on n, started 2027-01-02 03:04:05.006, rerun =====\n');
    expect(formatAttemptHeader(2, 'node-b', new Date(Number.NaN))).toBe('===== attempt 2 on node-b =====\n');
  });

  it('formats a line with its padded level', () => {
    expect(formatLogLine('WARN', 'careful', new Date(2026, 10, 28, 0, 0, 0, 0))).toBe('[ WARN][2026-11-28 00:00:00.000] careful\n');
  });
});
