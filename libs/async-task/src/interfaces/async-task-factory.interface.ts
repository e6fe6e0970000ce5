import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { AsyncTask } from './async-task.interface.js';

/** Makes task instances of one task type. Register it by decorator, module option or at run time. */
export interface AsyncTaskFactory {
  /** Build the instance that runs one attempt; `params` is the string given at submit. */
  createTask(params: string, record: AsyncTaskRecord): AsyncTask | Promise<AsyncTask>;
  /** The unique identity of this kind of task (letters, digits, `.`, `_`, `-`; at most 64). */
  getTaskType(): string;
}
