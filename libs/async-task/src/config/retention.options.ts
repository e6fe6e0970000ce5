import type { RetentionOptions } from '../interfaces/retention-options.interface.js';

export interface ResolvedRetentionOptions {
  maxAgeMs: { success?: number; failed?: number; cancelled?: number };
  intervalMs: number;
  batchSize: number;
}

const STATUS_KEYS = ['success', 'failed', 'cancelled'] as const;
/** A batch must stay a short transaction; 10 000 rows is already far more than useful. */
export const MAX_RETENTION_BATCH = 10_000;

/** Defaults merged and every field checked; `fail(option, problem)` throws the options error. */
export function resolveRetention(options: RetentionOptions | undefined, fail: (option: string, problem: string) => never): ResolvedRetentionOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) fail('retention', 'must be an object');
  const { maxAgeMs = {}, intervalMs = 60_000, batchSize = 500 } = options ?? {};
  if (typeof maxAgeMs !== 'object' || maxAgeMs === null) fail('retention.maxAgeMs', 'must be an object like { success: 604800000 }');
  const unknown = Object.keys(maxAgeMs).filter((key) => !(STATUS_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) fail('retention.maxAgeMs', `has unknown status(es) ${unknown.join(', ')} (use success, failed, cancelled)`);
  for (const key of STATUS_KEYS) {
    const age = maxAgeMs[key];
    if (age !== undefined && (!Number.isSafeInteger(age) || age < 1)) fail(`retention.maxAgeMs.${key}`, `must be a positive integer of ms, got ${String(age)}`);
  }
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 100) fail('retention.intervalMs', `must be an integer ≥ 100, got ${String(intervalMs)}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_RETENTION_BATCH) {
    fail('retention.batchSize', `must be an integer from 1 to ${MAX_RETENTION_BATCH}, got ${String(batchSize)}`);
  }
  return { maxAgeMs: { ...maxAgeMs }, intervalMs, batchSize };
}
