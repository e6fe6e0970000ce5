import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { AsyncTaskRecord, AsyncTaskStatus } from '@sfc/async-task';

/** Tasks not ended yet: waiting, running, or between attempts. */
export const ACTIVE_STATUSES = [AsyncTaskStatus.WAITING, AsyncTaskStatus.RUNNING, AsyncTaskStatus.OFFLINE];

export interface StatusTypeCount {
  status: number;
  taskType: string;
  count: number;
}

export interface TypeDurations {
  taskType: string;
  status: number;
  count: number;
  sumSeconds: number;
}

/**
 * Read-only queries over `async_task_record` that the library has no call for: what changed lately
 * (for live events) and aggregates (for metrics). Uses the app's own DataSource.
 */
@Injectable()
export class TaskQueries {
  constructor(@InjectRepository(AsyncTaskRecord) private readonly records: Repository<AsyncTaskRecord>) {}

  /**
   * Tasks that are active or changed within the last `windowSeconds` by the database's clock (status
   * changes are stamped by the database, so no clock skew with this process), most recent first.
   */
  recentlyActive(windowSeconds: number, limit: number): Promise<AsyncTaskRecord[]> {
    return this.records
      .createQueryBuilder('task')
      .where('task.status IN (:...active)', { active: ACTIVE_STATUSES })
      .orWhere('task.updated_at >= CURRENT_TIMESTAMP(3) - INTERVAL :window SECOND', { window: windowSeconds })
      .orderBy('task.updated_at', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** Which of these task ids belong to `uid` (exactly, case included). */
  async ownedAmong(ids: string[], uid: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.records.find({ select: { id: true, uid: true }, where: { id: In(ids) } });
    return new Set(rows.filter((row) => row.uid === uid).map((row) => row.id));
  }

  async countByStatusAndType(): Promise<StatusTypeCount[]> {
    const rows = await this.records
      .createQueryBuilder('task')
      .select('task.status', 'status')
      .addSelect('task.task_type', 'taskType')
      .addSelect('COUNT(*)', 'count')
      .groupBy('task.status')
      .addGroupBy('task.task_type')
      .getRawMany<{ status: string; taskType: string; count: string }>();
    return rows.map((row) => ({ status: Number(row.status), taskType: row.taskType, count: Number(row.count) }));
  }

  /** Run time (started → finished of the last attempt) of ended tasks, summed per type and final status. */
  async durationsByType(): Promise<TypeDurations[]> {
    const rows = await this.records
      .createQueryBuilder('task')
      .select('task.task_type', 'taskType')
      .addSelect('task.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(TIMESTAMPDIFF(MICROSECOND, task.started_at, task.finished_at)) / 1000000', 'sumSeconds')
      .where('task.status IN (:...ended)', { ended: [AsyncTaskStatus.SUCCESS, AsyncTaskStatus.FAILED, AsyncTaskStatus.CANCELLED] })
      .andWhere('task.started_at IS NOT NULL AND task.finished_at IS NOT NULL')
      .groupBy('task.task_type')
      .addGroupBy('task.status')
      .getRawMany<{ taskType: string; status: string; count: string; sumSeconds: string | null }>();
    return rows.map((row) => ({ taskType: row.taskType, status: Number(row.status), count: Number(row.count), sumSeconds: Number(row.sumSeconds ?? 0) }));
  }
}
