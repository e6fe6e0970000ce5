import { HttpStatus } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** A caller-chosen id is already taken (HTTP 409). */
export class DuplicateTaskIdError extends AsyncTaskError {
  constructor(readonly taskId: string) {
    super(messages.duplicateTaskId(taskId), HttpStatus.CONFLICT);
  }
}
