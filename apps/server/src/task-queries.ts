import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { AsyncTaskRecord, AsyncTaskStatus } from '@sfc/async-task';

/** Tasks not ended yet: waiting, running, or between attempts. */
export const ACTIVE_STATUSES = [AsyncTaskStatus.WAITING, AsyncTaskStatus.RUNNING, AsyncTaskStatus.OFFLINE];

/** What live events need to know about a task besides its status. */
export type TaskSubject = Pick<AsyncTaskRecord, 'id' | 'name' | 'taskType' | 'uid'>;

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
 * Read-only queries over `async_task_record` that the library has no call for: active tasks and
 * owners (for live events) and aggregates (for metrics). Uses the app's own DataSource.
 */
@Injectable()
export class TaskQueries {
  constructor(@InjectRepository(AsyncTaskRecord) private readonly records: Repository<AsyncTaskRecord>) {}

  /** Active tasks (of `uid`, exactly, or of everyone), newest first. */
  activeTasks(uid: string | undefined, limit: number): Promise<AsyncTaskRecord[]> {
    const query = this.records
      .createQueryBuilder('task')
      .select(['task.id', 'task.name', 'task.taskType', 'task.uid', 'task.status', 'task.attempt', 'task.retryCount', 'task.failedReason', 'task.runAfter'])
      .where('task.status IN (:...active)', { active: ACTIVE_STATUSES });
    if (uid !== undefined) query.andWhere('task.uid = :uid AND CAST(task.uid AS BINARY) = CAST(:uid AS BINARY)', { uid });
    return query.orderBy('task.created_at', 'DESC').limit(limit).getMany();
  }

  /** Owner, name and type of these tasks (those that exist). */
  subjects(ids: string[]): Promise<TaskSubject[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.records.find({ select: { id: true, name: true, taskType: true, uid: true }, where: { id: In(ids) } });
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
