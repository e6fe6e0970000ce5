import {
  MAX_NAME_LENGTH,
  MAX_PRIORITY,
  MAX_UID_LENGTH,
  MIN_PRIORITY,
  TASK_ID_PATTERN,
  TASK_TYPE_PATTERN,
} from '../async-task.constants.js';
import { InvalidAsyncTaskError } from '../errors/invalid-async-task.error.js';
import type { SubmitAsyncTaskInput } from '../interfaces/submit-async-task-input.interface.js';
import { validateTaskPolicy } from '../policies/task-policy.js';
import type { TaskPolicy } from '../task/task-policy.interface.js';
import { describeError } from '../util/describe-error.js';

/** A submission that passed every check, with params as the string to store. */
export interface ValidSubmission {
  name: string;
  taskType: string;
  params: string;
  cpuOverhead: number;
  id?: string;
  uid: string | null;
  priority: number;
  delayMs: number;
  /** Only the policy fields that were given. */
  policy: TaskPolicy;
}

/**
 * Checks a submission completely before anything is written; throws InvalidAsyncTaskError naming the
 * field, after `at` (e.g. "inputs[3]." for the fourth task of a bulk call).
 */
export function validateSubmission(input: SubmitAsyncTaskInput, maxParamsBytes: number, at = ''): ValidSubmission {
  function invalid(field: string, problem: string): never {
    throw new InvalidAsyncTaskError(`${at}${field}`, problem);
  }
  if (typeof input !== 'object' || input === null) invalid('input', 'must be an object');
  const { name, taskType, cpuOverhead = 0, id, uid, priority = 0, delayMs = 0 } = input;
  if (typeof name !== 'string' || name.trim() === '') invalid('name', 'must be a non-empty string');
  if (name.length > MAX_NAME_LENGTH) invalid('name', `must be at most ${MAX_NAME_LENGTH} characters`);
  if (typeof taskType !== 'string' || !TASK_TYPE_PATTERN.test(taskType)) {
    invalid('taskType', `must be 1–64 letters, digits, ".", "_" or "-", got ${JSON.stringify(taskType)}`);
  }
  const params = serializeParams(input.params, invalid);
  const paramsBytes = Buffer.byteLength(params);
  if (paramsBytes > maxParamsBytes) {
    invalid('params', `is ${paramsBytes} bytes, more than the limit of ${maxParamsBytes} (option maxParamsBytes)`);
  }
  if (!Number.isSafeInteger(cpuOverhead) || cpuOverhead < 0) {
    invalid('cpuOverhead', `must be an integer ≥ 0 (one core = 100), got ${String(cpuOverhead)}`);
  }
  if (id !== undefined && (typeof id !== 'string' || !TASK_ID_PATTERN.test(id))) {
    invalid('id', `must be 1–64 letters, digits, "_" or "-", got ${JSON.stringify(id)}`);
  }
  if (uid !== undefined && uid !== null && !isValidUid(uid)) {
    invalid('uid', `must be a string or integer of at most ${MAX_UID_LENGTH} characters`);
  }
  if (!Number.isSafeInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    invalid('priority', `must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY}, got ${String(priority)}`);
  }
  if (!Number.isSafeInteger(delayMs) || delayMs < 0) {
    invalid('delayMs', `must be an integer ≥ 0, got ${String(delayMs)}`);
  }
  const policy = validateTaskPolicy(input, invalid);
  return { name, taskType, params, cpuOverhead, id, uid: uid == null ? null : String(uid), priority, delayMs, policy };
}

function serializeParams(params: unknown, invalid: (field: string, problem: string) => never): string {
  if (params === undefined || params === null) return '';
  if (typeof params === 'string') return params;
  if (typeof params === 'object') {
    try {
      return JSON.stringify(params);
    } catch (error) {
      invalid('params', `cannot be stored as JSON (${describeError(error)})`);
    }
  }
  invalid('params', `must be a string or an object, got ${typeof params}`);
}

function isValidUid(uid: unknown): boolean {
  if (typeof uid === 'number') return Number.isSafeInteger(uid);
  return typeof uid === 'string' && uid.length > 0 && uid.length <= MAX_UID_LENGTH;
}
