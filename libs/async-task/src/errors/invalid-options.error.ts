import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** AsyncTaskModule options are malformed; thrown at start-up. */
export class InvalidAsyncTaskOptionsError extends AsyncTaskError {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(messages.invalidOption(option, problem));
  }
}
