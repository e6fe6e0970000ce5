import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';

/**
 * The answer for one task of a `submitAsyncTasks()` call, at the task's position in the call.
 * `ok: true`: saved as WAITING and queued, with its record. `ok: false`: not saved, with why —
 * InvalidAsyncTaskError (its `field` names the task, e.g. `inputs[3].taskType`), DuplicateTaskIdError
 * (its id is taken, or given twice in the call: the first one wins), or the database's error when it
 * could not be reached.
 */
export type BulkSubmitAnswer = { ok: true; record: AsyncTaskRecord } | { ok: false; error: Error };
