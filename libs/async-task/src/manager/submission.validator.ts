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

/** Checks a submission completely before anything is written; throws InvalidAsyncTaskError naming the field. */
export function validateSubmission(input: SubmitAsyncTaskInput, maxParamsBytes: number): ValidSubmission {
  if (typeof input !== 'object' || input === null) throw new InvalidAsyncTaskError('input', 'must be an object');
  const { name, taskType, cpuOverhead = 0, id, uid, priority = 0, delayMs = 0 } = input;
  if (typeof name !== 'string' || name.trim() === '') throw new InvalidAsyncTaskError('name', 'must be a non-empty string');
  if (name.length > MAX_NAME_LENGTH) throw new InvalidAsyncTaskError('name', `must be at most ${MAX_NAME_LENGTH} characters`);
  if (typeof taskType !== 'string' || !TASK_TYPE_PATTERN.test(taskType)) {
    throw new InvalidAsyncTaskError('taskType', `must be 1–64 letters, digits, ".", "_" or "-", got ${JSON.stringify(taskType)}`);
  }
  const params = serializeParams(input.params);
  const paramsBytes = Buffer.byteLength(params);
  if (paramsBytes > maxParamsBytes) {
    throw new InvalidAsyncTaskError('params', `is ${paramsBytes} bytes, more than the limit of ${maxParamsBytes} (option maxParamsBytes)`);
  }
  if (!Number.isSafeInteger(cpuOverhead) || cpuOverhead < 0) {
    throw new InvalidAsyncTaskError('cpuOverhead', `must be an integer ≥ 0 (one core = 100), got ${String(cpuOverhead)}`);
  }
  if (id !== undefined && (typeof id !== 'string' || !TASK_ID_PATTERN.test(id))) {
    throw new InvalidAsyncTaskError('id', `must be 1–64 letters, digits, "_" or "-", got ${JSON.stringify(id)}`);
  }
  if (uid !== undefined && uid !== null && !isValidUid(uid)) {
    throw new InvalidAsyncTaskError('uid', `must be a string or integer of at most ${MAX_UID_LENGTH} characters`);
  }
  if (!Number.isSafeInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw new InvalidAsyncTaskError('priority', `must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY}, got ${String(priority)}`);
  }
  if (!Number.isSafeInteger(delayMs) || delayMs < 0) {
    throw new InvalidAsyncTaskError('delayMs', `must be an integer ≥ 0, got ${String(delayMs)}`);
  }
  const policy = validateTaskPolicy(input, (field, problem) => {
    throw new InvalidAsyncTaskError(field, problem);
  });
  return { name, taskType, params, cpuOverhead, id, uid: uid == null ? null : String(uid), priority, delayMs, policy };
}

function serializeParams(params: unknown): string {
  if (params === undefined || params === null) return '';
  if (typeof params === 'string') return params;
  if (typeof params === 'object') {
    try {
      return JSON.stringify(params);
    } catch (error) {
      throw new InvalidAsyncTaskError('params', `cannot be stored as JSON (${describeError(error)})`);
    }
  }
  throw new InvalidAsyncTaskError('params', `must be a string or an object, got ${typeof params}`);
}

function isValidUid(uid: unknown): boolean {
  if (typeof uid === 'number') return Number.isSafeInteger(uid);
  return typeof uid === 'string' && uid.length > 0 && uid.length <= MAX_UID_LENGTH;
}
