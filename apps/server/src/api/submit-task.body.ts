import { BadRequestException } from '@nestjs/common';
import type { SubmitAsyncTaskInput } from '@sfc/async-task';
import { SAMPLE_TASKS } from '../tasks/sample-tasks.js';
import { readPolicyFields } from './submit-policy.body.js';

/** Fields a client may send; the owner comes from the token, and ids are always generated. */
const ALLOWED = new Set(['name', 'taskType', 'params', 'cpuOverhead', 'priority', 'delayMs', 'retries', 'backoff', 'timeoutMs']);

/**
 * Checks a POST /api/tasks body and returns the submission without an owner (the caller's uid is
 * added by the controller). Every problem answers 400 with a message saying what to send instead.
 */
export function readSubmitBody(body: unknown, dataDir: string): Omit<SubmitAsyncTaskInput, 'uid' | 'id'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('Send a JSON object: {"name": "…", "taskType": "sleep", "params": {…}}');
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !ALLOWED.has(key));
  if (unknown.length > 0) {
    throw new BadRequestException(`Unknown field(s) ${unknown.join(', ')}: a task takes ${[...ALLOWED].join(', ')} (its owner comes from your token)`);
  }
  if (typeof input.name !== 'string' || input.name.trim() === '') throw new BadRequestException('name must be a non-empty string');
  const sample = typeof input.taskType === 'string' ? SAMPLE_TASKS[input.taskType] : undefined;
  if (!sample) throw new BadRequestException(`taskType must be one of ${Object.keys(SAMPLE_TASKS).join(', ')}`);
  const params = typeof input.params === 'string' ? input.params : JSON.stringify(input.params ?? {});
  try {
    sample.checkParams(params, dataDir);
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
  for (const field of ['cpuOverhead', 'priority', 'delayMs'] as const) {
    if (input[field] !== undefined && typeof input[field] !== 'number') throw new BadRequestException(`${field} must be a number`);
  }
  return {
    name: input.name,
    taskType: input.taskType as string,
    params,
    cpuOverhead: (input.cpuOverhead as number | undefined) ?? sample.cpuOverhead,
    priority: input.priority as number | undefined,
    delayMs: input.delayMs as number | undefined,
    ...readPolicyFields(input),
  };
}
