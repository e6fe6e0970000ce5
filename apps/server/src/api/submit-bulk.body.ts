import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { SubmitAsyncTaskInput } from '@sfc/async-task';

/** Most tasks in one POST /api/tasks/bulk (the library takes up to 10,000 per call; a request stays small). */
export const BULK_MAX_TASKS = 1000;
/** Most bytes of a POST /api/tasks/bulk body: 1000 tasks of about 16 KiB each. */
export const BULK_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** One task of a bulk body: its submission, or why the server refused it (400). */
export type BulkBodyItem = { input: SubmitAsyncTaskInput } | { refused: string };

/**
 * Checks a POST /api/tasks/bulk body, `{"tasks": [task, …]}` with 1 to 1000 tasks, each read by
 * `readTask` exactly as POST /api/tasks reads its body. A body that is not that answers 400 (413 past
 * 1000 tasks) and nothing is saved; a bad task only refuses itself, with the message POST /api/tasks
 * would give, after `tasks[i]:`.
 */
export function readBulkBody(body: unknown, readTask: (task: unknown) => SubmitAsyncTaskInput): BulkBodyItem[] {
  const tasks = (body as { tasks?: unknown } | null)?.tasks;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(tasks) || Object.keys(body).length !== 1) {
    throw new BadRequestException('Send a JSON object {"tasks": [{"name": "…", "taskType": "sleep", "params": {…}}, …]}');
  }
  if (tasks.length === 0) throw new BadRequestException('tasks must hold at least one task');
  if (tasks.length > BULK_MAX_TASKS) {
    throw new PayloadTooLargeException(`tasks holds ${tasks.length} tasks, more than ${BULK_MAX_TASKS} per request: send several requests`);
  }
  return tasks.map((task, index) => {
    try {
      return { input: readTask(task) };
    } catch (error) {
      return { refused: `tasks[${index}]: ${(error as Error).message}` };
    }
  });
}
