import { Inject, Injectable } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import { hasMysqlCode } from './mysql-errors.js';
import { withTimeout } from '../util/with-timeout.js';
import { type AttemptEnd, type AttemptRetry, TaskRecordBatchStore } from './task-record.batch-store.js';
import { TaskRecordStore } from './task-record.store.js';
import { type ItemOutcome, WriteBatcher } from './write-batcher.js';

/**
 * At most 100 rows per statement, and one statement of a kind at a time: the next batch gathers
 * while the previous one commits (measured: larger batches and fewer commits beat two in flight).
 * Under load (the last batch held 4 or more) a flush first lingers to gather more: a statement costs
 * the client about half a millisecond of CPU on a small VM, whatever its size. Claims never linger:
 * a task waiting for its claim holds its budget and would idle the node.
 */
const LIMITS = { maxBatch: 100, maxInFlight: 1, lingerAfter: 4 };
/** Nothing waits on a finished task's final write but observers of its end. */
const FINISH_LINGER_MS = 10;
/**
 * A statement with no answer after this long is given up (its callers get an error and may retry):
 * after a network cut a query can stay unanswered forever, and it would hold a flush slot for everyone.
 */
const STATEMENT_TIMEOUT_MS = 10_000;
/** Tries of a claim batch chosen as a deadlock victim before its entries go back to the queue. */
const DEADLOCK_RETRIES = 3;

/**
 * The three writes every task makes — insert, claim, finish — for many tasks per statement. Claims
 * and finishes are grouped here across concurrent callers (see WriteBatcher), inserts by
 * TaskSubmissions (which queues them in the same flush): a lone call costs one statement as before;
 * under load one statement and one commit serve many tasks. Each caller still gets its own answer.
 */
@Injectable()
export class TaskLifecycleWrites {
  private readonly claims = new WriteBatcher<{ id: string; attempt: number }, Date | null>((items) => this.claimBatch(items), LIMITS);
  private readonly finishes = new WriteBatcher<AttemptEnd, AsyncTaskStatus | null>(
    async (ends) => (await this.answered(this.store.finishMany(ends), 'Recording task ends')).map((value) => ({ value })),
    { ...LIMITS, lingerMs: FINISH_LINGER_MS },
  );
  /** The other way an attempt ends: back to WAITING for a retry. Only failing tasks ever use it. */
  private readonly retries = new WriteBatcher<AttemptRetry, AsyncTaskStatus | null>(
    async (items) => (await this.answered(this.store.retryMany(items), 'Recording task retries')).map((value) => ({ value })),
    { ...LIMITS, lingerMs: FINISH_LINGER_MS },
  );

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly store: TaskRecordBatchStore,
    private readonly records: TaskRecordStore,
  ) {}

  /**
   * Inserts complete records in one statement (the caller batches them, see TaskSubmissions). Each
   * gets its own outcome: a failure such as a duplicate id is that record's alone.
   */
  async insertMany(rows: AsyncTaskRecord[]): Promise<Array<ItemOutcome<void>>> {
    let failure: unknown;
    try {
      await this.answered(this.store.insertMany(rows), 'Inserting tasks');
      return rows.map(() => ({ value: undefined }));
    } catch (error) {
      failure = error;
    }
    if (hasMysqlCode(failure, 'ER_DUP_ENTRY')) {
      if (rows.length === 1) return [{ error: failure }];
      // One caller's taken id fails the statement: row by row, only that caller fails.
      return Promise.all(
        rows.map((row) =>
          this.answered(this.store.insertMany([row]), 'Inserting a task').then(
            () => ({ value: undefined }),
            (error: unknown) => ({ error }),
          ),
        ),
      );
    }
    // An outage or an answer that never came: the statement may have landed. Where the database can
    // say, each caller learns the truth (its row exists, with its creation time), else the error.
    const created = await this.answered(this.store.createdTimes(rows.map((row) => row.id)), 'Checking inserted tasks').catch(() => undefined);
    return rows.map((row) => (created?.get(row.id) === row.createdAt.getTime() ? { value: undefined } : { error: failure }));
  }

  /**
   * WAITING → RUNNING on this node for the attempt after `attempt`. Answers the claim's time (the record's new
   * `startedAt`), or null when the task was cancelled or claimed elsewhere.
   */
  claim(id: string, attempt: number): Promise<Date | null> {
    return this.claims.write({ id, attempt });
  }

  /**
   * RUNNING → final for one attempt. Answers the status recorded — CANCELLED instead of the reported one when
   * a user interrupt was accepted meanwhile — or null if that attempt no longer owns the record.
   */
  finish(end: AttemptEnd): Promise<AsyncTaskStatus | null> {
    return this.finishes.write(end);
  }

  /**
   * RUNNING → WAITING for a failed attempt that will be retried. Answers WAITING once retried,
   * CANCELLED if a user interrupt won, null if a newer attempt owns the record.
   */
  retry(retry: AttemptRetry): Promise<AsyncTaskStatus | null> {
    return this.retries.write(retry);
  }

  /**
   * RUNNING → final for an attempt lost with its node once too often: FAILED with `reason`, or
   * CANCELLED when a user interrupt was accepted (the mark wins, as over any end). Answers the status
   * recorded, or null if that attempt no longer owns the record.
   */
  async endLost(id: string, attempt: number, reason: string): Promise<AsyncTaskStatus.FAILED | AsyncTaskStatus.CANCELLED | null> {
    if (await this.records.failLost(id, attempt, reason)) return AsyncTaskStatus.FAILED;
    if ((await this.store.cancelInterrupted([id], attempt, true)) === 1) return AsyncTaskStatus.CANCELLED;
    return null;
  }

  private async claimBatch(items: Array<{ id: string; attempt: number }>): Promise<Array<ItemOutcome<Date | null>>> {
    const at = new Date();
    // InnoDB rolls a deadlock victim back whole, so trying again at once is safe (and what it asks for);
    // failing the batch would put every entry back and make the node back off.
    for (let attempt = 1; ; attempt++) {
      try {
        const claimed = await this.answered(this.store.claimMany(items, this.options.nodeId, at), 'Claiming tasks');
        return claimed.map((won) => ({ value: won ? at : null }));
      } catch (error) {
        if (attempt >= DEADLOCK_RETRIES || !hasMysqlCode(error, 'ER_LOCK_DEADLOCK')) throw error;
      }
    }
  }

  private answered<T>(statement: Promise<T>, what: string): Promise<T> {
    return withTimeout(statement, STATEMENT_TIMEOUT_MS, what);
  }
}
