import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { TaskPolicy } from './task-policy.interface.js';
import type { AsyncTask } from './async-task.interface.js';

/** Makes task instances of one task type. Register it by decorator, module option or at run time. */
export interface AsyncTaskFactory {
  /**
   * Build the instance that runs one attempt. `params` is the string given at submit. `record` is the
   * task's record for the attempt now starting: status RUNNING, `attempt` its number (1 for the first
   * run, one more after each failover or hand-over), `executor` this node, `offlineCount` the attempts
   * lost with their node so far — e.g. to resume work, or to log which attempt this is. It is a copy:
   * changing it changes nothing stored.
   */
  createTask(params: string, record: AsyncTaskRecord): AsyncTask | Promise<AsyncTask>;
  /** The unique identity of this kind of task (letters, digits, `.`, `_`, `-`; at most 64). */
  getTaskType(): string;
  /**
   * Optional: this type's default retries, backoff and timeout (a submission may override each).
   * Read once, when the factory is registered. Wins over a policy given to `@AsyncTaskFactory()`.
   */
  getTaskPolicy?(): TaskPolicy;
}
