import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import { AsyncTaskRecord, AsyncTaskStatus } from '@sfc/async-task';

/** Which tasks the figures cover: one owner's (always, for a user) and/or one type's; all when empty. */
export interface StatsScope {
  uid?: string | number;
  taskType?: string;
}

/** One minute of the last hour, `minutesAgo` 0 = the minute that ends now. */
export interface MinuteFigures {
  minutesAgo: number;
  succeeded: number;
  failed: number;
  /** Tasks waiting to start at the end of that minute. */
  waiting: number;
}

/** How many minutes back the charts reach. */
export const STATS_MINUTES = 60;
/** Owners offered in an admin's owner filter, most recent first. */
const MAX_OWNERS = 200;

/**
 * Aggregates over `async_task_record` for the dashboard's counts and charts. Every figure comes
 * from the records alone (no extra writes, no external service), with times measured by the
 * database's clock so that the nodes' clocks do not matter.
 */
@Injectable()
export class TaskStatsQueries {
  constructor(@InjectRepository(AsyncTaskRecord) private readonly records: Repository<AsyncTaskRecord>) {}

  /** Tasks per status (every status present, 0 when none). */
  async countByStatus(scope: StatsScope): Promise<Record<string, number>> {
    const rows = await this.scoped(scope)
      .select('task.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .groupBy('task.status')
      .getRawMany<{ status: string; count: string }>();
    const counts: Record<string, number> = {};
    for (const code of Object.values(AsyncTaskStatus).filter((value) => typeof value === 'number')) counts[AsyncTaskStatus[code]] = 0;
    for (const row of rows) counts[AsyncTaskStatus[Number(row.status)] ?? row.status] = Number(row.count);
    return counts;
  }

  /** The task types the owner in scope has used (the type filter offers these). */
  async taskTypes(uid: string | number | undefined): Promise<string[]> {
    const rows = await this.scoped({ uid })
      .select('task.task_type', 'taskType')
      .groupBy('task.task_type')
      .orderBy('task.task_type')
      .getRawMany<{ taskType: string }>();
    return rows.map((row) => row.taskType);
  }

  /** Owners of tasks, for an admin's owner filter. */
  async owners(): Promise<string[]> {
    const rows = await this.records
      .createQueryBuilder('task')
      .select('task.uid', 'uid')
      .where('task.uid IS NOT NULL')
      .groupBy('task.uid')
      .orderBy('MAX(task.created_at)', 'DESC')
      .limit(MAX_OWNERS)
      .getRawMany<{ uid: string }>();
    return rows.map((row) => row.uid);
  }

  /**
   * Per minute of the last hour: tasks that ended in SUCCESS or FAILED in it, and how many were
   * waiting at its end. A task counts as waiting from its creation until its (last) start, or
   * until it ended without starting (cancelled while queued).
   */
  async lastHour(scope: StatsScope): Promise<MinuteFigures[]> {
    const minutes: MinuteFigures[] = Array.from({ length: STATS_MINUTES }, (_, minutesAgo) => ({ minutesAgo, succeeded: 0, failed: 0, waiting: 0 }));
    const [ended, waiting] = await Promise.all([this.endedPerMinute(scope), this.waitingPerMinute(scope)]);
    for (const row of ended) {
      const minute = minutes[Number(row.minutesAgo)];
      if (!minute) continue;
      if (Number(row.status) === AsyncTaskStatus.SUCCESS) minute.succeeded = Number(row.count);
      else minute.failed = Number(row.count);
    }
    for (const row of waiting) {
      const minute = minutes[Number(row.minutesAgo)];
      if (minute) minute.waiting = Number(row.waiting);
    }
    return minutes;
  }

  private endedPerMinute(scope: StatsScope) {
    return this.scoped(scope)
      .select('FLOOR(TIMESTAMPDIFF(SECOND, task.finished_at, CURRENT_TIMESTAMP(3)) / 60)', 'minutesAgo')
      .addSelect('task.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .andWhere('task.status IN (:...ended)', { ended: [AsyncTaskStatus.SUCCESS, AsyncTaskStatus.FAILED] })
      .andWhere('task.finished_at >= CURRENT_TIMESTAMP(3) - INTERVAL :minutes MINUTE', { minutes: STATS_MINUTES })
      .groupBy('minutesAgo')
      .addGroupBy('task.status')
      .getRawMany<{ minutesAgo: string; status: string; count: string }>();
  }

  /**
   * Waiting tasks at the end of each of the last 60 minutes, in one statement: the tasks that
   * waited at some point of the hour are picked first (few, and by index when scoped to an owner),
   * then counted against each minute's end.
   */
  private waitingPerMinute(scope: StatsScope): Promise<Array<{ minutesAgo: string; waiting: string }>> {
    const candidates = this.scoped(scope)
      .select(['task.id AS id', 'task.created_at AS created_at', 'task.started_at AS started_at', 'task.finished_at AS finished_at'])
      .andWhere('task.created_at <= CURRENT_TIMESTAMP(3)')
      .andWhere('(task.started_at IS NULL OR task.started_at >= CURRENT_TIMESTAMP(3) - INTERVAL :minutes MINUTE)')
      .andWhere('(task.finished_at IS NULL OR task.finished_at >= CURRENT_TIMESTAMP(3) - INTERVAL :minutes MINUTE)')
      .setParameter('minutes', STATS_MINUTES);
    const [candidateSql, candidateParameters] = candidates.getQueryAndParameters();
    const sql = `
      WITH RECURSIVE minute_ends (minutes_ago, ends_at) AS (
        SELECT 0, CURRENT_TIMESTAMP(3)
        UNION ALL SELECT minutes_ago + 1, ends_at - INTERVAL 1 MINUTE FROM minute_ends WHERE minutes_ago < ?
      )
      SELECT minute_ends.minutes_ago AS minutesAgo, COUNT(candidate.id) AS waiting
      FROM minute_ends
      LEFT JOIN (${candidateSql}) candidate
        ON candidate.created_at <= minute_ends.ends_at
        AND (candidate.started_at IS NULL OR candidate.started_at > minute_ends.ends_at)
        AND (candidate.finished_at IS NULL OR candidate.finished_at > minute_ends.ends_at)
      GROUP BY minute_ends.minutes_ago`;
    return this.records.query(sql, [STATS_MINUTES - 1, ...candidateParameters]);
  }

  /**
   * Records in scope. The owner is compared byte for byte as well, so "ALICE" never counts
   * alice's tasks through a case-insensitive collation (the plain comparison keeps the index).
   */
  private scoped(scope: StatsScope): SelectQueryBuilder<AsyncTaskRecord> {
    const query = this.records.createQueryBuilder('task').where('1 = 1');
    if (scope.uid !== undefined) query.andWhere('task.uid = :uid AND BINARY task.uid = BINARY :uid', { uid: String(scope.uid) });
    if (scope.taskType !== undefined) query.andWhere('task.task_type = :taskType', { taskType: scope.taskType });
    return query;
  }
}
