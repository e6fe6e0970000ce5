import { Injectable } from '@nestjs/common';
import type { AsyncTaskRecord } from './entities/async-task-record.entity.js';
import { snapshotOf } from './queued-task.js';
import { TaskLifecycleWrites } from './task-lifecycle.writes.js';
import { type Publication, TaskQueues } from './task-queues.js';
import { type ItemOutcome, WriteBatcher } from './write-batcher.js';

const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Generous room for a row's other columns (name ≤ 255 characters, ids, dates) in the statement. */
const ROW_OVERHEAD_BYTES = 2048;

interface Submission {
  record: AsyncTaskRecord;
  delayMs: number;
}

/**
 * A submission's two writes, batched together: the records of concurrent submissions are inserted by
 * one statement, and as soon as it commits their first queue entries are added in one round trip
 * (never before: an entry must not be claimable before its record exists). Two batches may be under
 * way, so one inserts while the other is queued. A busy submitter lingers 3 ms to gather more; a
 * batch holds at most 100 records and 4 MiB.
 */
@Injectable()
export class TaskSubmissions {
  private readonly batcher = new WriteBatcher<Submission, unknown>((items) => this.saveAndQueue(items), {
    maxBatch: 100,
    maxInFlight: 2,
    lingerMs: 3,
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
   * saved (e.g. a duplicate id), in which case nothing was written. Answers null once queued, or the
   * error that kept a saved record from being queued (Redis away): the failover scan republishes it.
   */
  submit(record: AsyncTaskRecord, delayMs: number): Promise<unknown> {
    return this.batcher.write({ record, delayMs });
  }

  /** submit() for many records at once (a bulk call): they fill whole batches. One answer per record, in order. */
  submitMany(submissions: Array<{ record: AsyncTaskRecord; delayMs: number }>): Array<Promise<unknown>> {
    return this.batcher.writeMany(submissions);
  }

  private async saveAndQueue(items: Submission[]): Promise<Array<ItemOutcome<unknown>>> {
    const saved = await this.writes.insertMany(items.map((item) => item.record));
    const toQueue = items.filter((_, index) => 'value' in saved[index]);
    const queued = await this.queues.publishNow(toQueue.map(firstEntryOf)).catch((error: unknown) => toQueue.map(() => ({ error })));
    const notQueued = new Map(toQueue.map((item, index) => [item, 'error' in queued[index] ? (queued[index].error ?? 'unknown error') : null]));
    return items.map((item, index) => ('error' in saved[index] ? saved[index] : { value: notQueued.get(item) ?? null }));
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
