import { BadRequestException } from '@nestjs/common';
import type { SubmitAsyncTaskInput } from '@sfc/async-task';
import { SAMPLE_TASKS } from '../tasks/sample-tasks.js';
import { readPolicyFields } from './submit-policy.body.js';

/** Fields a client may send; the owner comes from the token, and ids are always generated. */
const ALLOWED = new Set(['name', 'taskType', 'params', 'cpuOverhead', 'priority', 'delayMs', 'retries', 'backoff', 'timeoutMs']);

/**
 * Bounds on what a user may choose. A CPU budget above one core (100) would let one task take a
 * whole node from everyone else, and 0 would run unlimited tasks at once; a delay beyond a week is
 * a mistake, not a schedule.
 */
export const SUBMIT_LIMITS = { cpuOverhead: { min: 1, max: 100 }, delayMs: { min: 0, max: 7 * 24 * 3600 * 1000 } } as const;

/** Deeper JSON is refused before anything walks it (deep recursion is a denial of service). */
export const MAX_BODY_DEPTH = 16;

/**
 * Checks a POST /api/tasks body and returns the submission without an owner (the caller's uid is
 * added by the controller); file names in params are checked against the caller's `folder`. Every problem answers 400 with a message saying what to send instead.
 */
export function readSubmitBody(body: unknown, folder: string): Omit<SubmitAsyncTaskInput, 'uid' | 'id'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('Send a JSON object: {"name": "…", "taskType": "sleep", "params": {…}}');
  }
  if (depthOf(body) > MAX_BODY_DEPTH) throw new BadRequestException(`The body nests deeper than ${MAX_BODY_DEPTH} levels`);
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !ALLOWED.has(key));
  if (unknown.length > 0) {
    throw new BadRequestException(`Unknown field(s) ${unknown.join(', ')}: a task takes ${[...ALLOWED].join(', ')} (its owner comes from your token)`);
  }
  if (typeof input.name !== 'string' || input.name.trim() === '') throw new BadRequestException('name must be a non-empty string');
  // Own keys only: "__proto__" or "constructor" must not find Object's members.
  const sample = typeof input.taskType === 'string' && Object.hasOwn(SAMPLE_TASKS, input.taskType) ? SAMPLE_TASKS[input.taskType] : undefined;
  if (!sample) throw new BadRequestException(`taskType must be one of ${Object.keys(SAMPLE_TASKS).join(', ')}`);
  const params = typeof input.params === 'string' ? input.params : JSON.stringify(input.params ?? {});
  try {
    sample.checkParams(params, folder);
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
  if (input.priority !== undefined && typeof input.priority !== 'number') throw new BadRequestException('priority must be a number');
  for (const field of ['cpuOverhead', 'delayMs'] as const) {
    const value = input[field];
    const { min, max } = SUBMIT_LIMITS[field];
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < min || (value as number) > max)) {
      throw new BadRequestException(`${field} must be a whole number from ${min} to ${max}`);
    }
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

/** How deeply arrays and objects nest in a parsed JSON value, counted without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_BODY_DEPTH) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}
