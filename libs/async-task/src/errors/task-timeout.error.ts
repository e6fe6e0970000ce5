import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** The reason a task's signal aborts with when its attempt ran past its `timeoutMs`. */
export class TaskTimeoutError extends AsyncTaskError {
  constructor(readonly timeoutMs: number) {
    super(messages.timedOut(timeoutMs));
  }
}
