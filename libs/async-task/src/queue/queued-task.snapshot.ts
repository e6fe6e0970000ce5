import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { AsyncTaskRecord } from '../entities/async-task-record.entity.js';

/**
 * The fields of a record that never change while it waits, carried in its first queue entry so the
 * node that claims it can start it without reading the record back (one database round trip less per
 * task). Republished entries (after failover or a lost queue) carry none, and the claimer reads the row.
 */
export interface QueuedTaskSnapshot {
  name: string;
  taskType: string;
  params: string;
  uid: string | null;
  priority: number;
  createdAt: number;
  runAfter: number | null;
  offlineCount: number;
  /** The submission's own policy fields, only when any was given (most tasks carry none). */
  policy?: { retries: number | null; backoff: string | null; timeoutMs: number | null };
}

export function snapshotOf(record: AsyncTaskRecord): QueuedTaskSnapshot {
  return {
    name: record.name,
    taskType: record.taskType,
    params: record.params,
    uid: record.uid,
    priority: record.priority,
    createdAt: record.createdAt.getTime(),
    runAfter: record.runAfter?.getTime() ?? null,
    offlineCount: record.offlineCount,
    ...(record.retries !== null || record.backoff !== null || record.timeoutMs !== null
      ? { policy: { retries: record.retries, backoff: record.backoff, timeoutMs: record.timeoutMs } }
      : {}),
  };
}

/** The record as the claim just wrote it (RUNNING, the next attempt, on this node). */
export function claimedRecord(
  claim: { taskId: string; attempt: number; cpuOverhead: number; nodeId: string; claimedAt: Date; cluster: string },
  snapshot: QueuedTaskSnapshot,
): AsyncTaskRecord {
  return Object.assign(new AsyncTaskRecord(), {
    id: claim.taskId,
    name: snapshot.name,
    taskType: snapshot.taskType,
    params: snapshot.params,
    status: AsyncTaskStatus.RUNNING,
    attempt: claim.attempt + 1,
    offlineCount: snapshot.offlineCount,
    cpuOverhead: claim.cpuOverhead,
    priority: snapshot.priority,
    uid: snapshot.uid,
    executor: claim.nodeId,
    failedReason: null,
    createdAt: new Date(snapshot.createdAt),
    runAfter: snapshot.runAfter === null ? null : new Date(snapshot.runAfter),
    updatedAt: claim.claimedAt,
    startedAt: claim.claimedAt,
    finishedAt: null,
    interruptRequestedAt: null,
    retries: snapshot.policy?.retries ?? null,
    backoff: snapshot.policy?.backoff ?? null,
    timeoutMs: snapshot.policy?.timeoutMs ?? null,
    // A snapshot rides only on the first entry: no retry or rerun has happened yet.
    retryCount: 0,
    startReason: null,
    startReasonAttempt: null,
    // Only nodes of the record's cluster see its queue entry.
    cluster: claim.cluster,
  } satisfies AsyncTaskRecord);
}
