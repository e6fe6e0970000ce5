import { Injectable } from '@nestjs/common';
import { AsyncTaskManager, AsyncTaskNotFoundError, type AsyncTaskRecord } from '@sfc/async-task';
import type { Caller } from '../auth/token-table.js';

/**
 * Ownership in one place: a user reaches only the tasks recorded under their uid, an admin reaches
 * all. Someone else's task answers exactly like an unknown id (404), so ids cannot be probed.
 */
@Injectable()
export class OwnedTasks {
  constructor(private readonly manager: AsyncTaskManager) {}

  async get(caller: Caller, id: string): Promise<AsyncTaskRecord> {
    const record = await this.manager.getTask(id);
    if (!caller.admin && record.uid !== caller.uid) throw new AsyncTaskNotFoundError(id);
    return record;
  }

  /** Whether the caller may see a task owned by `uid` (for events pushed to them). */
  static sees(caller: Caller, uid: string | null): boolean {
    return caller.admin || uid === caller.uid;
  }
}
