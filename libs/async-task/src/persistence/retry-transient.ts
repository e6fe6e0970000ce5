import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import { describeError } from '../util/describe-error.js';
import { withTimeout } from '../util/with-timeout.js';

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ASYNC_TASK_TIMEOUT',
]);

/** True for database errors that go away by themselves (outage, restart, deadlock, lost answer). */
export function isTransientDatabaseError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: any = error;
  while (current && !seen.has(current)) {
    seen.add(current);
    if (TRANSIENT_CODES.has(current.code) || /connect|closed state|Connection lost/i.test(String(current.message))) {
      return true;
    }
    current = current.driverError ?? current.cause;
  }
  return false;
}

/** How long one attempt of a write may take before it is given up and retried. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * Runs a write until it succeeds, waiting out transient database errors with capped backoff, so a
 * MySQL outage delays status writes instead of dropping them. Other errors are thrown. Writes must be
 * idempotent (ours are conditional updates or insert-or-ignore), since a timed-out one may have landed.
 */
export async function retryTransient<T>(
  what: string,
  write: () => Promise<T>,
  logger: Logger,
  maxWaitMs = 2000,
  attemptTimeoutMs = ATTEMPT_TIMEOUT_MS,
): Promise<T> {
  let wait = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(write(), attemptTimeoutMs, what);
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      if (attempt === 1 || attempt % 10 === 0) {
        logger.warn(`${what} failed (${describeError(error)}); retrying until the database answers`);
      }
      await delay(wait);
      wait = Math.min(wait * 2, maxWaitMs);
    }
  }
}
