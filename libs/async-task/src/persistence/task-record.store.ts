import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Raw, type Repository } from 'typeorm';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { Page } from '../interfaces/page.interface.js';
import type { ListTasksQuery } from '../interfaces/list-tasks-query.interface.js';

const NOW = () => 'CURRENT_TIMESTAMP(3)';

/** What is needed to put a task back in its queue. */
export type HandoverFields = 'id' | 'attempt' | 'taskType' | 'priority' | 'cpuOverhead';

/**
 * Reads and writes `async_task_record`. Every status change is a conditional write on
 * (id, status, attempt): an attempt that was failed over can never overwrite a newer one.
 */
@Injectable()
export class TaskRecordStore {
  /** This node's cluster: the failover scans see only its records. */
  private readonly cluster: string;

  constructor(
    @InjectRepository(AsyncTaskRecord) private readonly records: Repository<AsyncTaskRecord>,
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) options: ResolvedAsyncTaskOptions,
  ) {
    this.cluster = options.prefix;
  }

  /**
   * Unfinished records from before records named their cluster (null), of types this cluster runs:
   * this cluster takes them, so its scans look after them from now on. Returns how many it took.
   */
  async adoptLegacy(taskTypes: string[]): Promise<number> {
    if (taskTypes.length === 0) return 0;
    const result = await this.records
      .createQueryBuilder()
      .update()
      .set({ cluster: this.cluster })
      .where({ cluster: IsNull(), status: In([AsyncTaskStatus.WAITING, AsyncTaskStatus.RUNNING, AsyncTaskStatus.OFFLINE]), taskType: In(taskTypes) })
      .execute();
    return result.affected ?? 0;
  }

  /**
   * Plain SQL with the columns aliased to property names, built once from the entity metadata: the
   * claim path reads a record per task, and find*() builds and parses a query builder every time.
   */
  async findById(id: string): Promise<AsyncTaskRecord | null> {
    this.selectById ??= `SELECT ${this.records.metadata.columns
      .map((column) => `\`${column.databaseName}\` AS \`${column.propertyName}\``)
      .join(', ')} FROM \`${this.records.metadata.tableName}\` WHERE id = ?`;
    const [row] = (await this.records.query(this.selectById, [id])) as AsyncTaskRecord[];
    return row ? Object.assign(new AsyncTaskRecord(), row) : null;
  }

  private selectById: string | undefined;

  /** WAITING (or OFFLINE, between attempts) → CANCELLED: interrupt while queued; false if it was not queued any more. */
  async cancelWaiting(id: string): Promise<boolean> {
    const result = await this.records
      .createQueryBuilder()
      .update()
      .set({ status: AsyncTaskStatus.CANCELLED, finishedAt: NOW, updatedAt: NOW })
      .where('id = :id AND status IN (:...queued)', { id, queued: [AsyncTaskStatus.WAITING, AsyncTaskStatus.OFFLINE] })
      .execute();
    return result.affected === 1;
  }

  /**
   * Accepts a user interrupt of a running task: marks the record, only while this very attempt is
   * RUNNING (fenced like every transition). From then on the task ends in CANCELLED: its attempt's
   * final write turns the mark into CANCELLED (TaskRecordBatchStore.cancelInterrupted), and so do the
   * attempts after a failover. False if the attempt no longer runs (it ended or was taken over).
   */
  async requestInterrupt(id: string, attempt: number): Promise<boolean> {
    const result = await this.records
      .createQueryBuilder()
      .update()
      .set({ interruptRequestedAt: () => 'COALESCE(interrupt_requested_at, CURRENT_TIMESTAMP(3))', updatedAt: NOW })
      .where('id = :id AND status = :running AND attempt = :attempt', { id, running: AsyncTaskStatus.RUNNING, attempt })
      .execute();
    return result.affected === 1;
  }

  /**
   * Final → WAITING for a rerun: the next attempt starts afresh (no retries or lost attempts used yet, no
   * failure reason, no delay), its reason "rerun". Answers the record as written, or null if the
   * task changed since it was read.
   */
  async rerun(ended: AsyncTaskRecord, startReason: string): Promise<AsyncTaskRecord | null> {
    const changes = {
      status: AsyncTaskStatus.WAITING,
      retryCount: 0,
      offlineCount: 0,
      failedReason: null,
      runAfter: null,
      finishedAt: null,
      startReason,
      startReasonAttempt: ended.attempt + 1,
      // An interrupt of an earlier run must not cancel this one.
      interruptRequestedAt: null,
      updatedAt: new Date(),
      // Queued again by this cluster: its nodes look after it now.
      cluster: this.cluster,
    } satisfies Partial<AsyncTaskRecord>;
    const result = await this.records
      .createQueryBuilder()
      .update()
      .set(changes)
      .where('id = :id AND status = :status AND attempt = :attempt', { id: ended.id, status: ended.status, attempt: ended.attempt })
      .execute();
    return result.affected === 1 ? Object.assign(new AsyncTaskRecord(), ended, changes) : null;
  }

  /** RUNNING → OFFLINE for one attempt (its node died or handed it over); counts a lost attempt when `nodeDied`. */
  async markOffline(id: string, attempt: number, nodeDied: boolean): Promise<boolean> {
    const result = await this.records
      .createQueryBuilder()
      .update()
      .set({ status: AsyncTaskStatus.OFFLINE, updatedAt: NOW, ...(nodeDied ? { offlineCount: () => 'offline_count + 1' } : {}) })
      .where('id = :id AND status = :running AND attempt = :attempt', { id, running: AsyncTaskStatus.RUNNING, attempt })
      .execute();
    return result.affected === 1;
  }

  /** OFFLINE → WAITING: back in line for the next attempt. */
  async requeueOffline(id: string, attempt: number): Promise<boolean> {
    const result = await this.records
      .createQueryBuilder()
      .update()
      .set({ status: AsyncTaskStatus.WAITING, updatedAt: NOW })
      .where('id = :id AND status = :offline AND attempt = :attempt', { id, offline: AsyncTaskStatus.OFFLINE, attempt })
      .execute();
    return result.affected === 1;
  }

  /** Running tasks with the node that runs them (the failover scan checks those nodes' heartbeats). */
  findRunning(): Promise<Array<Pick<AsyncTaskRecord, HandoverFields | 'executor' | 'offlineCount'>>> {
    return this.records.find({
      select: { id: true, attempt: true, taskType: true, priority: true, cpuOverhead: true, executor: true, offlineCount: true },
      where: { status: AsyncTaskStatus.RUNNING, cluster: this.cluster },
    });
  }

  /**
   * Tasks a node is recorded as running (compared with what it really runs, to find orphans; those
   * started before this process started were lost with an earlier process under the same node id).
   */
  findRunningOn(nodeId: string): Promise<Array<Pick<AsyncTaskRecord, HandoverFields | 'executor' | 'offlineCount' | 'startedAt'>>> {
    return this.records.find({
      select: { id: true, attempt: true, taskType: true, priority: true, cpuOverhead: true, executor: true, offlineCount: true, startedAt: true },
      where: { status: AsyncTaskStatus.RUNNING, executor: nodeId },
    });
  }

  /** Tasks left between attempts (a handover interrupted half-way). */
  findOffline(): Promise<Array<Pick<AsyncTaskRecord, HandoverFields>>> {
    return this.records.find({
      select: { id: true, attempt: true, taskType: true, priority: true, cpuOverhead: true },
      where: { status: AsyncTaskStatus.OFFLINE, cluster: this.cluster },
    });
  }

  /** A page of WAITING tasks, by id, last changed before `olderThan` (fresh submits are still being queued). */
  findWaiting(afterId: string, olderThan: Date, limit: number): Promise<Array<Pick<AsyncTaskRecord, HandoverFields | 'runAfter'>>> {
    return this.records
      .createQueryBuilder('task')
      .select(['task.id', 'task.attempt', 'task.taskType', 'task.priority', 'task.cpuOverhead', 'task.runAfter'])
      .where('task.cluster = :cluster AND task.status = :waiting AND task.id > :afterId AND task.updatedAt < :olderThan', {
        cluster: this.cluster,
        waiting: AsyncTaskStatus.WAITING,
        afterId,
        olderThan,
      })
      .orderBy('task.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * RUNNING → FAILED for a task whose nodes kept dying: it is not failed over forever. Not for a task with an
   * accepted interrupt (false): that one ends in CANCELLED (TaskRecordBatchStore.cancelInterrupted).
   */
  async failLost(id: string, attempt: number, reason: string): Promise<boolean> {
    const result = await this.records
      .createQueryBuilder()
      .update()
      .set({ status: AsyncTaskStatus.FAILED, failedReason: reason, offlineCount: () => 'offline_count + 1', finishedAt: NOW, updatedAt: NOW })
      .where('id = :id AND status = :running AND attempt = :attempt AND interrupt_requested_at IS NULL', {
        id,
        running: AsyncTaskStatus.RUNNING,
        attempt,
      })
      .execute();
    return result.affected === 1;
  }

  /** Which of these attempts still own their record as RUNNING (a node checks its own). */
  async stillRunning(attempts: Array<{ taskId: string; attempt: number }>): Promise<Set<string>> {
    if (attempts.length === 0) return new Set();
    const rows = await this.records.find({
      select: { id: true, attempt: true, status: true },
      where: { id: In(attempts.map((a) => a.taskId)) },
    });
    const owned = new Set(attempts.map((a) => `${a.taskId}#${a.attempt}`));
    return new Set(rows.filter((row) => row.status === AsyncTaskStatus.RUNNING && owned.has(`${row.id}#${row.attempt}`)).map((row) => row.id));
  }

  async list(query: Required<Pick<ListTasksQuery, 'page' | 'size'>> & ListTasksQuery): Promise<Page<AsyncTaskRecord>> {
    const where: Record<string, unknown> = {};
    // Exact owner: MySQL's default collation would also match "ALICE" for "alice" (another user).
    if (query.uid !== undefined) where.uid = Raw((column) => `${column} = :uid AND CAST(${column} AS BINARY) = CAST(:uid AS BINARY)`, { uid: String(query.uid) });
    if (query.taskType !== undefined) where.taskType = query.taskType;
    if (query.status !== undefined) where.status = Array.isArray(query.status) ? In(query.status) : query.status;
    const [items, total] = await this.records.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (query.page - 1) * query.size,
      take: query.size,
    });
    return { items, total, page: query.page, size: query.size };
  }
}

