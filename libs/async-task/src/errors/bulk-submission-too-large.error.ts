import { HttpStatus } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/**
 * A `submitAsyncTasks()` call holds more tasks than MAX_BULK_SUBMIT_TASKS, or more bytes of params
 * than MAX_BULK_SUBMIT_BYTES (HTTP 413). Nothing was written.
 */
export class BulkSubmissionTooLargeError extends AsyncTaskError {
  constructor(
    readonly limit: 'tasks' | 'bytes',
    readonly size: number,
    readonly max: number,
  ) {
    super(messages.bulkSubmissionTooLarge(limit === 'tasks' ? 'tasks' : 'bytes of params', size, max), HttpStatus.PAYLOAD_TOO_LARGE);
  }
}
