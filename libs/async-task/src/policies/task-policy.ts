import type { BackoffPolicy, TaskPolicy } from '../task/task-policy.interface.js';

/** The policy one attempt runs under, every default filled in. */
export interface ResolvedTaskPolicy {
  retries: number;
  backoff: BackoffPolicy;
  timeoutMs: number | null;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { type: 'exponential', delayMs: 1000, maxDelayMs: 300_000 };
/** setTimeout's longest delay (about 24.8 days): any wait or limit beyond it would fire at once. */
export const MAX_POLICY_MS = 2 ** 31 - 1;
/** Enough for any real use; a typo such as 1e9 is caught. */
export const MAX_RETRIES = 1000;

/**
 * Checks a policy (from a submission or a task type) and answers it with only the given fields;
 * `fail(field, problem)` throws the caller's named error, so nothing is written on bad input.
 */
export function validateTaskPolicy(policy: TaskPolicy, fail: (field: string, problem: string) => never): TaskPolicy {
  const valid: TaskPolicy = {};
  const { retries, backoff, timeoutMs } = policy;
  if (retries !== undefined && retries !== null) {
    if (!Number.isSafeInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
      fail('retries', `must be an integer from 0 to ${MAX_RETRIES}, got ${String(retries)}`);
    }
    valid.retries = retries;
  }
  if (backoff !== undefined && backoff !== null) valid.backoff = validateBackoff(backoff, fail);
  if (timeoutMs !== undefined && timeoutMs !== null) {
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_POLICY_MS) {
      fail('timeoutMs', `must be an integer from 1 to ${MAX_POLICY_MS} (omit it for no limit), got ${String(timeoutMs)}`);
    }
    valid.timeoutMs = timeoutMs;
  }
  return valid;
}

function validateBackoff(backoff: BackoffPolicy, fail: (field: string, problem: string) => never): BackoffPolicy {
  if (typeof backoff !== 'object' || Array.isArray(backoff)) fail('backoff', 'must be an object like { type: "exponential", delayMs: 1000 }');
  const { type, delayMs, maxDelayMs, jitter } = backoff;
  if (type !== 'fixed' && type !== 'exponential') fail('backoff.type', `must be "fixed" or "exponential", got ${JSON.stringify(type)}`);
  if (!Number.isSafeInteger(delayMs) || delayMs < 0 || delayMs > MAX_POLICY_MS) {
    fail('backoff.delayMs', `must be an integer from 0 to ${MAX_POLICY_MS}, got ${String(delayMs)}`);
  }
  const valid: BackoffPolicy = { type, delayMs };
  if (maxDelayMs !== undefined && maxDelayMs !== null) {
    if (!Number.isSafeInteger(maxDelayMs) || maxDelayMs < delayMs || maxDelayMs > MAX_POLICY_MS) {
      fail('backoff.maxDelayMs', `must be an integer from backoff.delayMs (${delayMs}) to ${MAX_POLICY_MS}, got ${String(maxDelayMs)}`);
    }
    valid.maxDelayMs = maxDelayMs;
  }
  if (jitter !== undefined && jitter !== null) {
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) fail('backoff.jitter', `must be a number from 0 to 1, got ${String(jitter)}`);
    valid.jitter = jitter;
  }
  const unknown = Object.keys(backoff).filter((key) => !['type', 'delayMs', 'maxDelayMs', 'jitter'].includes(key));
  if (unknown.length > 0) fail('backoff', `has unknown field(s) ${unknown.join(', ')}`);
  return valid;
}

/** The policy of one attempt: the submission's values, else the type's, else the defaults. */
export function resolveTaskPolicy(submitted: TaskPolicy, typeDefaults: TaskPolicy): ResolvedTaskPolicy {
  return {
    retries: submitted.retries ?? typeDefaults.retries ?? 0,
    backoff: submitted.backoff ?? typeDefaults.backoff ?? DEFAULT_BACKOFF,
    timeoutMs: submitted.timeoutMs ?? typeDefaults.timeoutMs ?? null,
  };
}

/**
 * The wait before retry number `retry` (1 for the first): `delayMs`, doubled per retry when
 * exponential, scattered by `jitter`, and capped (exponential without a cap stops at 300 s).
 * `random` is injectable for tests.
 */
export function backoffDelayMs(backoff: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const cap = backoff.maxDelayMs ?? (backoff.type === 'exponential' ? Math.max(backoff.delayMs, DEFAULT_BACKOFF.maxDelayMs!) : MAX_POLICY_MS);
  const base = backoff.type === 'exponential' ? backoff.delayMs * 2 ** Math.min(retry - 1, 40) : backoff.delayMs;
  const jitter = backoff.jitter ?? 0;
  const scattered = base * (1 + jitter * (2 * random() - 1));
  return Math.round(Math.min(cap, Math.max(0, scattered)));
}
