import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { AsyncTaskRecord } from '../entities/async-task-record.entity.js';

/** One attempt's end, as the attempt's runner reports it. */
export interface AttemptEnd {
  id: string;
  attempt: number;
  status: AsyncTaskStatus;
  failedReason: string | null;
}

/** A failed attempt that goes back to WAITING for a retry (see AttemptEndPolicy). */
export interface AttemptRetry {
  id: string;
  attempt: number;
  failedReason: string;
  /** When the retry may start (the end of its backoff). */
  runAfter: Date;
  /** Why the next attempt starts; its first log line. */
  startReason: string;
}

/**
 * The lifecycle writes that run once per task (insert, claim WAITING → RUNNING, finish RUNNING → final), for many tasks
 * per statement. Plain SQL: one statement and one commit for a whole batch is the point. Every status
 * change stays fenced on (id, status, attempt). When a batch changes fewer rows than it holds, one
 * read tells which rows are this writer's, so each item still gets its own answer; that read also
 * makes a retried batch idempotent (a write that landed but whose answer was lost counts as done).
 *
 * The statements force the primary key: with an IN list and few rows in the status being left, the
 * optimizer prefers the (status, task_type) index, scans every WAITING or RUNNING row and locks them
 * all, which serialises writers and deadlocks against concurrent inserts (seen with two nodes).
 */
@Injectable()
export class TaskRecordBatchStore {
  private insertPrefix: string | undefined;
  private insertColumns: Array<keyof AsyncTaskRecord> | undefined;

  constructor(@InjectRepository(AsyncTaskRecord) private readonly records: Repository<AsyncTaskRecord>) {}

  /** Inserts complete records (every column given) in one statement; fails as a whole, e.g. on a duplicate id. */
  async insertMany(rows: AsyncTaskRecord[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.insertPrefix) {
      const columns = this.records.metadata.columns;
      this.insertColumns = columns.map((column) => column.propertyName as keyof AsyncTaskRecord);
      this.insertPrefix = `INSERT INTO \`${this.records.metadata.tableName}\` (${columns.map((c) => `\`${c.databaseName}\``).join(', ')}) VALUES `;
    }
    const columns = this.insertColumns!;
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const values = rows.flatMap((row) => columns.map((column) => row[column]));
    await this.records.query(this.insertPrefix + rows.map(() => tuple).join(', '), values);
  }

  /** Creation time (epoch ms) of each of these records that exists. */
  async createdTimes(ids: string[]): Promise<Map<string, number>> {
    const rows: Array<{ id: string; created_at: Date }> = await this.records.query(
      `SELECT id, created_at FROM async_task_record WHERE id IN (${placeholders(ids)})`,
      ids,
    );
    return new Map(rows.map((row) => [row.id, new Date(row.created_at).getTime()]));
  }

  /**
   * WAITING → RUNNING for each (id, attempt) that is still WAITING at that attempt, as attempt + 1 on `nodeId`
   * started at `at`. Answers, item by item, whether this call claimed it.
   */
  async claimMany(claims: Array<{ id: string; attempt: number }>, nodeId: string, at: Date): Promise<boolean[]> {
    const claimed = new Set<string>();
    for (const [attempt, group] of groupInIdOrder(claims, (claim) => claim.attempt)) {
      const ids = group.map((claim) => claim.id);
      const result = await this.records.query(
        `UPDATE async_task_record FORCE INDEX (PRIMARY) SET status = ?, attempt = ?, executor = ?, started_at = ?, updated_at = ?
         WHERE id IN (${placeholders(ids)}) AND status = ? AND attempt = ?`,
        [AsyncTaskStatus.RUNNING, attempt + 1, nodeId, at, at, ...ids, AsyncTaskStatus.WAITING, attempt],
      );
      if (affectedRows(result) === ids.length) {
        for (const id of ids) claimed.add(key(id, attempt));
        continue;
      }
      // Some were cancelled or claimed elsewhere: ours are the rows this very claim wrote.
      const rows: Array<{ id: string }> = await this.records.query(
        `SELECT id FROM async_task_record FORCE INDEX (PRIMARY) WHERE id IN (${placeholders(ids)}) AND status = ? AND attempt = ? AND executor = ? AND started_at = ?`,
        [...ids, AsyncTaskStatus.RUNNING, attempt + 1, nodeId, at],
      );
      for (const row of rows) claimed.add(key(row.id, attempt));
    }
    return claims.map((claim) => claimed.has(key(claim.id, claim.attempt)));
  }

  /**
   * RUNNING → final for each attempt that still owns its record; answers, item by item, the status it
   * recorded, or null where the attempt no longer owned the record. An attempt whose task had a user
   * interrupt accepted (`interrupt_requested_at` set, see TaskRecordStore.requestInterrupt) ends in
   * CANCELLED whatever it reported: the common statement skips those rows, and only when it changed
   * fewer rows than it holds does a second one cancel them (no extra statement without interrupts).
   */
  async finishMany(ends: AttemptEnd[]): Promise<Array<AsyncTaskStatus | null>> {
    const written = new Map<string, AsyncTaskStatus>();
    for (const group of groupInIdOrder(ends, (end) => `${end.status}#${end.attempt}`).values()) {
      const { status, attempt } = group[0];
      const ids = group.map((end) => end.id);
      const reasons = group.filter((end) => end.failedReason !== null);
      const reasonSql = reasons.length === 0 ? 'NULL' : `CASE id ${reasons.map(() => 'WHEN ? THEN ?').join(' ')} ELSE NULL END`;
      const result = await this.records.query(
        `UPDATE async_task_record FORCE INDEX (PRIMARY) SET status = ?, failed_reason = ${reasonSql},
         finished_at = CURRENT_TIMESTAMP(3), updated_at = CURRENT_TIMESTAMP(3)
         WHERE id IN (${placeholders(ids)}) AND status = ? AND attempt = ? AND interrupt_requested_at IS NULL`,
        [status, ...reasons.flatMap((end) => [end.id, end.failedReason]), ...ids, AsyncTaskStatus.RUNNING, attempt],
      );
      if (affectedRows(result) === ids.length) {
        for (const id of ids) written.set(key(id, attempt), status);
        continue;
      }
      // Some had an interrupt accepted, were taken over (failover) meanwhile, or this is a retry of a
      // batch that landed. Ours are the rows with our status and reason (a failover's FAILED has a
      // reason of its own), and the interrupted ones this attempt cancels now.
      await this.cancelInterrupted(ids, attempt);
      const rows: Array<{ id: string; status: AsyncTaskStatus; failed_reason: string | null; interrupted: number }> = await this.records.query(
        `SELECT id, status, failed_reason, interrupt_requested_at IS NOT NULL AS interrupted FROM async_task_record FORCE INDEX (PRIMARY)
         WHERE id IN (${placeholders(ids)}) AND status IN (?, ?) AND attempt = ?`,
        [...ids, status, AsyncTaskStatus.CANCELLED, attempt],
      );
      const reasonOf = new Map(group.map((end) => [end.id, end.failedReason]));
      for (const row of rows) {
        if (row.status === AsyncTaskStatus.CANCELLED && Number(row.interrupted) === 1) written.set(key(row.id, attempt), AsyncTaskStatus.CANCELLED);
        else if (row.status === status && row.failed_reason === reasonOf.get(row.id)) written.set(key(row.id, attempt), status);
      }
    }
    return ends.map((end) => written.get(key(end.id, end.attempt)) ?? null);
  }

  /**
   * RUNNING → CANCELLED for these RUNNING attempts whose task had a user interrupt accepted: the one place where
   * that mark becomes the outcome (an attempt's own end, and failover's give-up, both come here;
   * `lostWithNode` counts the attempt in offline_count, as failover does). Answers how many it cancelled.
   */
  async cancelInterrupted(ids: string[], attempt: number, lostWithNode = false): Promise<number> {
    const result = await this.records.query(
      `UPDATE async_task_record FORCE INDEX (PRIMARY) SET status = ?, failed_reason = NULL,${lostWithNode ? ' offline_count = offline_count + 1,' : ''}
       finished_at = CURRENT_TIMESTAMP(3), updated_at = CURRENT_TIMESTAMP(3)
       WHERE id IN (${placeholders(ids)}) AND status = ? AND attempt = ? AND interrupt_requested_at IS NOT NULL`,
      [AsyncTaskStatus.CANCELLED, ...ids, AsyncTaskStatus.RUNNING, attempt],
    );
    return affectedRows(result);
  }

  /**
   * RUNNING → WAITING for each failed attempt that still owns its record, with the retry's bookkeeping (one
   * statement per task: retries are rare, and each has its own reason and time). Answers, item by
   * item, the status recorded: WAITING (retried; a retried call whose first write landed counts as
   * done), CANCELLED (a user interrupt was accepted meanwhile: it wins over the retry, as over any
   * end), or null where the attempt no longer owned the record.
   */
  async retryMany(retries: AttemptRetry[]): Promise<Array<AsyncTaskStatus | null>> {
    const written: Array<AsyncTaskStatus | null> = [];
    for (const retry of retries) {
      const result = await this.records.query(
        `UPDATE async_task_record FORCE INDEX (PRIMARY) SET status = ?, failed_reason = ?, retry_count = retry_count + 1,
         run_after = ?, start_reason = ?, start_reason_attempt = ?, updated_at = CURRENT_TIMESTAMP(3)
         WHERE id = ? AND status = ? AND attempt = ? AND interrupt_requested_at IS NULL`,
        [AsyncTaskStatus.WAITING, retry.failedReason, retry.runAfter, retry.startReason, retry.attempt + 1, retry.id, AsyncTaskStatus.RUNNING, retry.attempt],
      );
      if (affectedRows(result) === 1) {
        written.push(AsyncTaskStatus.WAITING);
        continue;
      }
      if ((await this.cancelInterrupted([retry.id], retry.attempt)) === 1) {
        written.push(AsyncTaskStatus.CANCELLED);
        continue;
      }
      const rows: Array<{ status: AsyncTaskStatus }> = await this.records.query(
        `SELECT status FROM async_task_record FORCE INDEX (PRIMARY) WHERE id = ? AND attempt = ?
         AND ((status = ? AND start_reason_attempt = ?) OR (status = ? AND interrupt_requested_at IS NOT NULL))`,
        [retry.id, retry.attempt, AsyncTaskStatus.WAITING, retry.attempt + 1, AsyncTaskStatus.CANCELLED],
      );
      written.push(rows[0] ? Number(rows[0].status) : null);
    }
    return written;
  }
}

/** Groups items by a key; each group in id order, so concurrent batches lock their rows in the same order. */
function groupInIdOrder<T extends { id: string }, K>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of [...items].sort((a, b) => compare(a.id, b.id))) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function placeholders(values: unknown[]): string {
  return values.map(() => '?').join(', ');
}

function key(id: string, attempt: number): string {
  return `${id}#${attempt}`;
}

/** Rows changed by a plain UPDATE (mysql2 answers with a result header). */
function affectedRows(result: unknown): number {
  const header = (Array.isArray(result) ? result[0] : result) as { affectedRows?: number } | undefined;
  return Number(header?.affectedRows ?? 0);
}
