import { BadRequestException } from '@nestjs/common';
import { AsyncTaskStatus, type ListTasksQuery } from '@sfc/async-task';
import type { Caller } from '../auth/token-table.js';

/**
 * Turns `?status=1,2 (or RUNNING,SUCCESS)&type=sleep&page=2&size=50` (and, for an admin, `&uid=alice`) into a library
 * query. A user's query is always narrowed to their own tasks, whatever they ask.
 */
export function readListQuery(caller: Caller, query: Record<string, unknown>): ListTasksQuery {
  const result: ListTasksQuery = { page: whole(query.page, 'page', 1), size: whole(query.size, 'size', 20) };
  if (query.status !== undefined) result.status = String(query.status).split(',').map(readStatus);
  if (query.type !== undefined) result.taskType = String(query.type);
  if (!caller.admin) result.uid = caller.uid;
  else if (query.uid !== undefined) result.uid = String(query.uid);
  return result;
}

/** A status as its code (`1`) or its name (`RUNNING`). */
function readStatus(part: string): number {
  const trimmed = part.trim().toUpperCase();
  const code = /^\d$/.test(trimmed) ? Number(trimmed) : AsyncTaskStatus[trimmed as keyof typeof AsyncTaskStatus];
  if (typeof code !== 'number' || AsyncTaskStatus[code] === undefined) {
    throw new BadRequestException(`status must be codes 0–5 or names like RUNNING, separated by commas; got "${part}"`);
  }
  return code;
}

function whole(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new BadRequestException(`${name} must be a whole number ≥ 1`);
  return number;
}
