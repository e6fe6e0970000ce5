import type { Logger } from '@nestjs/common';

/** One line per source per this interval at most; the next line says how many were held back. */
export const WARNING_INTERVAL_MS = 10_000;

/**
 * Logs recurring warnings of one source (a Redis connection, a BullMQ queue or worker) at once the
 * first time, then at most once per interval, with a count of the ones held back: during an outage
 * every connection reports each reconnect attempt, which would flood the log with the same line.
 */
export class RateLimitedWarnings {
  private readonly sources = new Map<string, { loggedAt: number; heldBack: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = WARNING_INTERVAL_MS,
  ) {}

  warn(source: string, message: string): void {
    const now = Date.now();
    const last = this.sources.get(source);
    if (last && now - last.loggedAt < this.intervalMs) {
      last.heldBack++;
      return;
    }
    const heldBack = last?.heldBack ? ` (and ${last.heldBack} more since ${new Date(last.loggedAt).toISOString()})` : '';
    this.sources.set(source, { loggedAt: now, heldBack: 0 });
    this.logger.warn(`${source}: ${message}${heldBack}`);
  }
}
