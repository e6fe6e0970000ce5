import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AsyncTaskLogRecord } from '../entities/async-task-log-record.entity.js';

/** Reads and writes `async_task_log_record`: one row per finished attempt. */
@Injectable()
export class TaskLogStore {
  constructor(@InjectRepository(AsyncTaskLogRecord) private readonly logs: Repository<AsyncTaskLogRecord>) {}

  /** Saves an attempt's log once; a second save of the same attempt (a retry after a lost reply) is a no-op. */
  async saveAttempt(entry: Omit<AsyncTaskLogRecord, 'id'>): Promise<void> {
    await this.logs
      .createQueryBuilder()
      .insert()
      .values(entry)
      .orIgnore()
      .execute();
  }

  /** Attempts saved for a task, oldest first, without their text. */
  listAttempts(taskId: string): Promise<Array<Omit<AsyncTaskLogRecord, 'log'>>> {
    return this.logs.find({
      select: { id: true, taskId: true, attempt: true, executor: true, truncated: true, startedAt: true, finishedAt: true },
      where: { taskId },
      order: { attempt: 'ASC' },
    });
  }

  /** One attempt's row with its text (readers take attempts one at a time, never a whole history). */
  findAttempt(taskId: string, attempt: number): Promise<AsyncTaskLogRecord | null> {
    return this.logs.findOneBy({ taskId, attempt });
  }
}
