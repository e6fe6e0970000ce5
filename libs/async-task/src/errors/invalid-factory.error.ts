import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** A registered factory does not fulfil the AsyncTaskFactory contract. */
export class InvalidFactoryError extends AsyncTaskError {
  constructor(factoryName: string, problem: string) {
    super(messages.invalidFactory(factoryName, problem));
  }
}
