import { BadRequestException } from '@nestjs/common';
import type { TaskPolicy } from '@sfc/async-task';

/**
 * Bounds a user of this server may ask for; the library checks the rest (integers, maxDelayMs ≥
 * delayMs). They keep one submission from holding the cluster for days or retrying forever.
 */
export const POLICY_BOUNDS = {
  maxRetries: 10,
  maxBackoffMs: 60 * 60 * 1000,
  maxTimeoutMs: 24 * 60 * 60 * 1000,
} as const;

/** The retry fields of a POST /api/tasks body (`retries`, `backoff`, `timeoutMs`), checked against POLICY_BOUNDS. */
export function readPolicyFields(input: Record<string, unknown>): TaskPolicy {
  const { retries, backoff, timeoutMs } = input;
  const policy: TaskPolicy = {};
  if (retries !== undefined) policy.retries = bounded('retries', retries, 0, POLICY_BOUNDS.maxRetries);
  if (timeoutMs !== undefined) policy.timeoutMs = bounded('timeoutMs', timeoutMs, 1, POLICY_BOUNDS.maxTimeoutMs);
  if (backoff !== undefined) {
    if (typeof backoff !== 'object' || backoff === null || Array.isArray(backoff)) {
      throw new BadRequestException('backoff must be an object: {"type": "fixed" | "exponential", "delayMs": 1000, "maxDelayMs"?: 60000, "jitter"?: 0.2}');
    }
    const { type, delayMs, maxDelayMs, jitter } = backoff as Record<string, unknown>;
    const minDelayMs = bounded('backoff.delayMs', delayMs, 0, POLICY_BOUNDS.maxBackoffMs);
    policy.backoff = {
      type: type as 'fixed' | 'exponential',
      delayMs: minDelayMs,
      ...(maxDelayMs === undefined ? {} : { maxDelayMs: bounded('backoff.maxDelayMs', maxDelayMs, minDelayMs, POLICY_BOUNDS.maxBackoffMs) }),
      ...(jitter === undefined ? {} : { jitter: jitter as number }),
    };
    const unknown = Object.keys(backoff).filter((key) => !['type', 'delayMs', 'maxDelayMs', 'jitter'].includes(key));
    if (unknown.length > 0) throw new BadRequestException(`Unknown backoff field(s) ${unknown.join(', ')}: a backoff takes type, delayMs, maxDelayMs, jitter`);
  }
  return policy;
}

function bounded(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadRequestException(`${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}
