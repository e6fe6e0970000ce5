export type LogLevel = 'INFO' | 'WARN' | 'ERROR' | 'DEBUG';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `yyyy-MM-dd HH:mm:ss.SSS` in local time (months counted from 1, unlike the original). */
export function formatLogTime(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}

/** One log line: `[ INFO][2026-11-28 14:03:07.123] message\n`. */
export function formatLogLine(level: LogLevel, message: string, date = new Date()): string {
  return `[${level.padStart(5)}][${formatLogTime(date)}] ${message}\n`;
}

/**
 * The line that opens each attempt in a task's log: `===== attempt 1 on node-a, started 2026-11-28
 * 14:03:07.123 =====`, with why it started after a first run: `…07.123, rerun =====`.
 */
export function formatAttemptHeader(attempt: number, node: string | null, startedAt: Date | null, reason: string | null = null): string {
  const where = node ? ` on ${node}` : '';
  const when = startedAt && !Number.isNaN(startedAt.getTime()) ? `, started ${formatLogTime(startedAt)}` : '';
  const why = reason ? `, ${reason}` : '';
  return `===== attempt ${attempt}${where}${when}${why} =====\n`;
}
