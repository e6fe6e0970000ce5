import { HttpStatus } from '@nestjs/common';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** rerun() of a task that has not ended (WAITING, RUNNING or between attempts)(HTTP 409). */
export class TaskNotEndedError extends AsyncTaskError {
  constructor(
    readonly taskId: string,
    readonly taskStatus: AsyncTaskStatus,
  ) {
    super(messages.taskNotEnded(taskId, AsyncTaskStatus[taskStatus] ?? String(taskStatus)), HttpStatus.CONFLICT);
  }
}
