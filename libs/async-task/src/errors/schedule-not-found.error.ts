import { HttpStatus } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** No schedule has this id (HTTP 404). */
export class ScheduleNotFoundError extends AsyncTaskError {
  constructor(readonly scheduleId: string) {
    super(messages.scheduleNotFound(scheduleId), HttpStatus.NOT_FOUND);
  }
}
