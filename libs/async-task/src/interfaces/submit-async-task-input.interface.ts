import type { TaskPolicy } from '../task/task-policy.interface.js';

/**
 * What `AsyncTaskManager.submitAsyncTask()` takes. `retries`, `backoff` and `timeoutMs` (see
 * TaskPolicy) override the task type's defaults for this task.
 */
export interface SubmitAsyncTaskInput extends TaskPolicy {
  /** Human-readable name, 1–255 characters. */
  name: string;
  /** Must match the `getTaskType()` of a factory on some worker node. */
  taskType: string;
  /** A string, or an object stored as JSON. Size is capped by the `maxParamsBytes` option. */
  params?: string | object;
  /** CPU budget while running, one core = 100. @default 0 */
  cpuOverhead?: number;
  /** Your own id (letters, digits, `_`, `-`; at most 64); generated when omitted. */
  id?: string;
  /** Owner of the task, e.g. a user id (at most 64 characters). */
  uid?: string | number;
  /** 0–1000, higher runs sooner. @default 0 */
  priority?: number;
  /** Do not start before this many milliseconds from now. @default 0 */
  delayMs?: number;
}
