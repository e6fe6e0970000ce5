import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { ValidSubmission } from './submission.validator.js';
import { newTaskId } from './task-id.js';

/** The WAITING record a checked submission is saved as, created `now` (its id generated unless given), of `cluster` (the prefix). */
export function newTaskRecord(valid: ValidSubmission, now: Date, cluster: string): AsyncTaskRecord {
  return Object.assign(new AsyncTaskRecord(), {
    id: valid.id ?? newTaskId(now.getTime()),
    name: valid.name,
    taskType: valid.taskType,
    params: valid.params,
    status: AsyncTaskStatus.WAITING,
    attempt: 0,
    offlineCount: 0,
    cpuOverhead: valid.cpuOverhead,
    priority: valid.priority,
    uid: valid.uid,
    executor: null,
    failedReason: null,
    createdAt: now,
    runAfter: valid.delayMs > 0 ? new Date(now.getTime() + valid.delayMs) : null,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    interruptRequestedAt: null,
    retries: valid.policy.retries ?? null,
    backoff: valid.policy.backoff ? JSON.stringify(valid.policy.backoff) : null,
    timeoutMs: valid.policy.timeoutMs ?? null,
    retryCount: 0,
    startReason: null,
    startReasonAttempt: null,
    cluster,
  } satisfies AsyncTaskRecord);
}
