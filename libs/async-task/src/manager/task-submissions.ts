import { Injectable } from '@nestjs/common';
import { DuplicateTaskIdError } from '../errors/duplicate-task-id.error.js';
import { hasMysqlCode } from '../persistence/mysql-errors.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import { snapshotOf } from '../queue/queued-task.snapshot.js';
import { TaskLifecycleWrites } from '../persistence/task-lifecycle.writes.js';
import { type Publication, TaskQueues } from '../queue/task-queues.js';
import { type ItemOutcome, WriteBatcher } from '../persistence/write-batcher.js';

const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Generous room for a row's other columns (name ≤ 255 characters, ids, dates) in the statement. */
const ROW_OVERHEAD_BYTES = 2048;

export interface Submission {
  record: AsyncTaskRecord;
  delayMs: number;
}

/**
 * A submission's two writes, batched together: the records of concurrent submissions are inserted by
 * one statement, and as soon as it commits their first queue entries are added in one round trip
 * (never before: an entry must not be claimable before its record exists). Two batches may be under
 * way, so one inserts while the other is queued. A busy submitter lingers 1 ms to gather more (3 ms
 * only added latency: in the bench it gathered no more per statement); a batch holds at most 100
 * records and 4 MiB.
 */
@Injectable()
export class TaskSubmissions {
  private readonly batcher = new WriteBatcher<Submission, unknown>((items) => this.saveAndQueue(items), {
    maxBatch: 100,
    maxInFlight: 2,
    lingerMs: 1,
    lingerAfter: 4,
    // A statement must stay well under max_allowed_packet (16 MiB on MariaDB by default) however big
    // the params; a single record larger than this still goes alone.
    maxWeight: MAX_BATCH_BYTES,
    weigh: (submission) => Buffer.byteLength(submission.record.params) + ROW_OVERHEAD_BYTES,
  });

  constructor(
    private readonly writes: TaskLifecycleWrites,
    private readonly queues: TaskQueues,
  ) {}

  /**
   * Saves a new WAITING record and queues its first attempt. Rejects when the record could not be
   * saved (DuplicateTaskIdError for a taken id), in which case nothing was written. Answers null once
   * queued, or the error that kept a saved record from being queued (Redis away): the failover scan
   * republishes it.
   */
  submit(record: AsyncTaskRecord, delayMs: number): Promise<unknown> {
    return withNamedErrors(this.batcher.write({ record, delayMs }), record);
  }

  /**
   * submit() for the records of one bulk call: queued together before the first flush, so they fill
   * whole batches (statements of 100 rows, one Redis round trip each). One answer per record, in order.
   */
  submitAll(submissions: Submission[]): Array<Promise<unknown>> {
    return this.batcher.writeAll(submissions).map((written, index) => withNamedErrors(written, submissions[index].record));
  }

  private async saveAndQueue(items: Submission[]): Promise<Array<ItemOutcome<unknown>>> {
    const saved = await this.writes.insertMany(items.map((item) => item.record));
    const toQueue = items.filter((_, index) => 'value' in saved[index]);
    const queued = await Promise.allSettled(this.queues.publishAll(toQueue.map(firstEntryOf)));
    const notQueued = new Map(toQueue.map((item, index) => [item, queued[index].status === 'rejected' ? (queued[index].reason ?? 'unknown error') : null]));
    return items.map((item, index) => ('error' in saved[index] ? saved[index] : { value: notQueued.get(item) ?? null }));
  }
}

/** A taken id is DuplicateTaskIdError for the caller; any other failure stays as it is. */
async function withNamedErrors(written: Promise<unknown>, record: AsyncTaskRecord): Promise<unknown> {
  try {
    return await written;
  } catch (error) {
    if (hasMysqlCode(error, 'ER_DUP_ENTRY')) throw new DuplicateTaskIdError(record.id);
    throw error;
  }
}

function firstEntryOf({ record, delayMs }: Submission): Publication {
  return {
    taskType: record.taskType,
    data: { taskId: record.id, attempt: 0, cpuOverhead: record.cpuOverhead, snapshot: snapshotOf(record) },
    priority: record.priority,
    delayMs,
  };
}
