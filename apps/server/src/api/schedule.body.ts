import { BadRequestException } from '@nestjs/common';
import type { AsyncTaskScheduleInput } from '@sfc/async-task';
import { readSubmitBody } from './submit-task.body.js';

/** The fields that say when a schedule fires and what it does with missed or overlapping ticks. */
const TIMING_FIELDS = ['cron', 'everyMs', 'timezone', 'catchUp', 'overlap'] as const;
/** The task every tick submits: what POST /api/tasks takes, less `delayMs` (a tick runs at its time). */
const TASK_FIELDS = ['name', 'taskType', 'params', 'cpuOverhead', 'priority', 'retries', 'backoff', 'timeoutMs'] as const;

/**
 * Checks a PUT /api/schedules/:id body: the task part exactly as a submission (sample types, their
 * params, policy bounds), the timing part by the library (InvalidScheduleError: 400). The owner
 * comes from the caller, the id from the path.
 */
export function readScheduleBody(id: string, body: unknown, dataDir: string): Omit<AsyncTaskScheduleInput, 'uid'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('Send a JSON object: {"everyMs": 60000, "taskType": "sleep", "params": {…}} or {"cron": "0 3 * * *", "timezone": "Europe/Paris", …}');
  }
  const input = body as Record<string, unknown>;
  const allowed: readonly string[] = [...TIMING_FIELDS, ...TASK_FIELDS];
  const unknown = Object.keys(input).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(`Unknown field(s) ${unknown.join(', ')}: a schedule takes ${allowed.join(', ')} (its id comes from the path, its owner from your token)`);
  }
  const task = readSubmitBody(Object.fromEntries(TASK_FIELDS.filter((key) => key in input).map((key) => [key, input[key]]).concat([['name', input.name ?? id]])), dataDir);
  return {
    id,
    ...(Object.fromEntries(TIMING_FIELDS.filter((key) => input[key] !== undefined).map((key) => [key, input[key]])) as Pick<AsyncTaskScheduleInput, (typeof TIMING_FIELDS)[number]>),
    ...task,
  };
}
