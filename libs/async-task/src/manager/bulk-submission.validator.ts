import { MAX_BULK_SUBMIT_BYTES, MAX_BULK_SUBMIT_TASKS } from '../async-task.constants.js';
import { BulkSubmissionTooLargeError } from '../errors/bulk-submission-too-large.error.js';
import { InvalidAsyncTaskError } from '../errors/invalid-async-task.error.js';
import type { SubmitAsyncTaskInput } from '../interfaces/submit-async-task-input.interface.js';
import { type ValidSubmission, validateSubmission } from './submission.validator.js';

/**
 * Checks a bulk submission before anything is written. The call as a whole — not an array, empty,
 * over MAX_BULK_SUBMIT_TASKS tasks or MAX_BULK_SUBMIT_BYTES bytes of params — throws, and nothing is
 * saved. A malformed task only refuses itself: its place holds the InvalidAsyncTaskError that names
 * it (`inputs[3].taskType …`), and the others go on.
 */
export function validateBulkSubmission(inputs: SubmitAsyncTaskInput[], maxParamsBytes: number): Array<ValidSubmission | InvalidAsyncTaskError> {
  if (!Array.isArray(inputs)) throw new InvalidAsyncTaskError('inputs', 'must be an array of tasks');
  if (inputs.length === 0) throw new InvalidAsyncTaskError('inputs', 'must hold at least one task');
  if (inputs.length > MAX_BULK_SUBMIT_TASKS) throw new BulkSubmissionTooLargeError('tasks', inputs.length, MAX_BULK_SUBMIT_TASKS);
  let bytes = 0;
  const checked = inputs.map((input, index) => {
    try {
      const valid = validateSubmission(input, maxParamsBytes, `inputs[${index}].`);
      bytes += Buffer.byteLength(valid.params);
      return valid;
    } catch (error) {
      if (error instanceof InvalidAsyncTaskError) return error;
      throw error;
    }
  });
  if (bytes > MAX_BULK_SUBMIT_BYTES) throw new BulkSubmissionTooLargeError('bytes', bytes, MAX_BULK_SUBMIT_BYTES);
  return checked;
}
