import { AsyncTaskError } from './async-task.error.js';

/**
 * Throw it from `execute` when trying again cannot help (bad input, a file that does not exist): the
 * task ends FAILED at once, whatever retries it has left. The message becomes the failure reason.
 */
export class UnrecoverableTaskError extends AsyncTaskError {}

