import { HttpStatus } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** No task has this id (HTTP 404). */
export class AsyncTaskNotFoundError extends AsyncTaskError {
  constructor(readonly taskId: string) {
    super(messages.taskNotFound(taskId), HttpStatus.NOT_FOUND);
  }
}
