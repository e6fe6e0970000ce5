import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AsyncTaskSchedule } from '../entities/async-task-schedule.entity.js';
import type { AsyncTaskScheduleInfo } from './schedule-info.js';
import type { ValidSchedule } from './schedule.validator.js';

/**
 * Reads and writes `async_task_schedule`. Moving a schedule on to its next tick is a conditional
 * write on the due time the caller saw, so of several nodes looking at one tick exactly one moves it.
 */
@Injectable()
export class ScheduleStore {
  constructor(@InjectRepository(AsyncTaskSchedule) private readonly schedules: Repository<AsyncTaskSchedule>) {}

  /**
   * Inserts or replaces a definition in one statement (atomic: a reader sees the old one or the new
   * one). The next due time is kept when the timing is unchanged, so re-upserting at every start
   * neither skips nor repeats a tick; a new timing starts from `nextDueAt`.
   */
  async upsert(schedule: ValidSchedule, nextDueAt: Date, now: Date): Promise<void> {
    const { task, timing } = schedule;
    // next_due_at is assigned first: later assignments would otherwise compare against new values.
    await this.schedules.query(
      `INSERT INTO async_task_schedule (id, cron, every_ms, timezone, task_type, name, params, uid, cpu_overhead, priority,
         retries, backoff, timeout_ms, catch_up, overlap, next_due_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE
         next_due_at = IF(cron <=> VALUES(cron) AND every_ms <=> VALUES(every_ms) AND timezone = VALUES(timezone), next_due_at, VALUES(next_due_at)),
         cron = VALUES(cron), every_ms = VALUES(every_ms), timezone = VALUES(timezone), task_type = VALUES(task_type),
         name = VALUES(name), params = VALUES(params), uid = VALUES(uid), cpu_overhead = VALUES(cpu_overhead),
         priority = VALUES(priority), retries = VALUES(retries), backoff = VALUES(backoff), timeout_ms = VALUES(timeout_ms),
         catch_up = VALUES(catch_up), overlap = VALUES(overlap), updated_at = VALUES(updated_at)`,
      [
        schedule.id,
        timing.cron ?? null,
        timing.everyMs ?? null,
        timing.timezone ?? 'UTC',
        task.taskType,
        task.name,
        task.params,
        task.uid,
        task.cpuOverhead,
        task.priority,
        task.policy.retries ?? null,
        task.policy.backoff ? JSON.stringify(task.policy.backoff) : null,
        task.policy.timeoutMs ?? null,
        schedule.catchUp,
        schedule.overlap,
        nextDueAt,
        now,
        now,
      ],
    );
  }

  /** True if it existed. */
  async remove(id: string): Promise<boolean> {
    const result = await this.schedules.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async findById(id: string): Promise<AsyncTaskSchedule | null> {
    return this.schedules.findOneBy({ id });
  }

  /** Every schedule (optionally one owner's) by id, with the status of its last run. */
  async list(filter: { id?: string; uid?: string } = {}): Promise<AsyncTaskScheduleInfo[]> {
    const query = this.schedules
      .createQueryBuilder('schedule')
      .leftJoin('async_task_record', 'last', 'last.id = schedule.last_task_id')
      .addSelect('last.status', 'last_status')
      .orderBy('schedule.id');
    if (filter.id !== undefined) query.andWhere('schedule.id = :id', { id: filter.id });
    if (filter.uid !== undefined) query.andWhere('schedule.uid = :uid', { uid: filter.uid });
    const { entities, raw } = await query.getRawAndEntities<{ last_status: number | null }>();
    return entities.map((schedule, index) => ({ ...schedule, lastTaskStatus: raw[index].last_status === null ? null : Number(raw[index].last_status) }));
  }

  /** Schedules whose next tick is due, most overdue first. */
  async findDue(now: Date, limit: number): Promise<AsyncTaskSchedule[]> {
    return this.schedules.createQueryBuilder('schedule').where('schedule.next_due_at <= :now', { now }).orderBy('schedule.next_due_at').limit(limit).getMany();
  }

  /** The earliest next due time of all schedules, or null when there are none. */
  async earliestDue(): Promise<Date | null> {
    const [row] = (await this.schedules.query('SELECT MIN(next_due_at) AS due FROM async_task_schedule')) as Array<{ due: Date | null }>;
    return row?.due ? new Date(row.due) : null;
  }

  /**
   * Moves the schedule from the tick `seenDueAt` to `nextDueAt`, recording the tick that submitted a
   * task (if any). False when another node (or an upsert) moved it first.
   */
  async advance(id: string, seenDueAt: Date, nextDueAt: Date, fired: { dueAt: Date; taskId: string } | null): Promise<boolean> {
    const set: Partial<AsyncTaskSchedule> = { nextDueAt, updatedAt: new Date() };
    if (fired) Object.assign(set, { lastDueAt: fired.dueAt, lastTaskId: fired.taskId });
    const result = await this.schedules
      .createQueryBuilder()
      .update()
      .set(set)
      .where('id = :id AND next_due_at = :seenDueAt', { id, seenDueAt })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
