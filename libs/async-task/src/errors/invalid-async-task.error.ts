import { HttpStatus } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** A submission was rejected before anything was written (HTTP 400). */
export class InvalidAsyncTaskError extends AsyncTaskError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(messages.invalidTask(field, problem), HttpStatus.BAD_REQUEST);
  }
}
