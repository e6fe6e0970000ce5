import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** Two factories on one node claim the same task type. */
export class DuplicateTaskTypeError extends AsyncTaskError {
  constructor(
    readonly taskType: string,
    readonly firstFactory: string,
    readonly secondFactory: string,
  ) {
    super(messages.duplicateTaskType(taskType, firstFactory, secondFactory));
  }
}
