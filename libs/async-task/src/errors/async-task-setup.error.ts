import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** The host app's database setup lacks what the library needs (entities, tables); thrown at start-up. */
export class AsyncTaskSetupError extends AsyncTaskError {
  constructor(readonly problem: string) {
    super(messages.setupProblem(problem));
  }
}
