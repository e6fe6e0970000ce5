import { HttpStatus } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** A schedule was rejected before anything was stored (HTTP 400): bad cron, unknown time zone, interval too short… */
export class InvalidScheduleError extends AsyncTaskError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(messages.invalidSchedule(field, problem), HttpStatus.BAD_REQUEST);
  }
}
