import { Injectable } from '@nestjs/common';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { messages } from '../async-task.messages.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import { UnrecoverableTaskError } from '../errors/unrecoverable-task.error.js';
import { backoffDelayMs, type ResolvedTaskPolicy, resolveTaskPolicy } from './task-policy.js';
import type { BackoffPolicy, TaskPolicy } from '../task/task-policy.interface.js';

/** How one attempt came out, as its runner saw it. */
export interface AttemptOutcome {
  status: AsyncTaskStatus;
  failedReason: string | null;
  /** What execute() threw, if it threw. */
  error?: unknown;
}

/** What to record: a final status, or a retry after a backoff. */
export type AttemptVerdict =
  | { kind: 'end'; status: AsyncTaskStatus; failedReason: string | null }
  | { kind: 'retry'; failedReason: string; retry: number; of: number; delayMs: number; runAfter: Date; startReason: string };

/**
 * The one place that turns an attempt's outcome into what is written: a FAILED attempt with retries
 * left (and no UnrecoverableTaskError) goes back to WAITING after its backoff, anything else ends as
 * it came out. Also says why an attempt starts, and the limits it runs under.
 */
@Injectable()
export class AttemptEndPolicy {
  /** The policy of this attempt: the submission's values, else the task type's (`declared`), else the defaults. */
  policyOf(record: AsyncTaskRecord, declared: TaskPolicy): ResolvedTaskPolicy {
    return resolveTaskPolicy(submittedPolicyOf(record), declared);
  }

  verdict(record: AsyncTaskRecord, policy: ResolvedTaskPolicy, outcome: AttemptOutcome, now = new Date()): AttemptVerdict {
    const { status, failedReason, error } = outcome;
    const retry = record.retryCount + 1;
    if (status !== AsyncTaskStatus.FAILED || isUnrecoverable(error) || retry > policy.retries) return { kind: 'end', status, failedReason };
    const delayMs = backoffDelayMs(policy.backoff, retry);
    const reason = failedReason ?? messages.unknownFailure();
    return {
      kind: 'retry',
      failedReason: reason,
      retry,
      of: policy.retries,
      delayMs,
      runAfter: new Date(now.getTime() + delayMs),
      startReason: messages.retryStart(retry, policy.retries, delayMs, reason),
    };
  }
}

/**
 * Why this attempt started, for its log header; null for the first run. A reason stored for
 * another attempt number is stale: a failover came between.
 */
export function startReasonOf(record: Pick<AsyncTaskRecord, 'attempt' | 'startReason' | 'startReasonAttempt'>): string | null {
  if (record.startReason !== null && record.startReasonAttempt === record.attempt) return record.startReason;
  return record.attempt > 1 ? messages.failoverStart() : null;
}

function submittedPolicyOf(record: AsyncTaskRecord): TaskPolicy {
  return {
    retries: record.retries ?? undefined,
    backoff: record.backoff ? (JSON.parse(record.backoff) as BackoffPolicy) : undefined,
    timeoutMs: record.timeoutMs ?? undefined,
  };
}

/** Also true for an instance from another copy of this package (checked by name, not only instanceof). */
function isUnrecoverable(error: unknown): boolean {
  return error instanceof UnrecoverableTaskError || (error instanceof Error && error.name === 'UnrecoverableTaskError');
}
