import type { AsyncTaskLog } from './async-task-log.js';
import type { ProgressRecord } from './progress-record.js';

/** One running instance of a kind of task, made by its factory for one attempt. */
export interface AsyncTask {
  /**
   * Do the work. Resolving ends the task in SUCCESS, throwing ends it in FAILED (the error and its
   * stack are saved). `signal` aborts when the task is interrupted or its node hands it over.
   */
  execute(log: AsyncTaskLog, signal: AbortSignal): Promise<void> | void;
  /** Called on a user interrupt (the signal is aborted too). Must make `execute` end soon. */
  interrupt(): void | Promise<void>;
  /**
   * Optional, for the task's own callers (BaseAsyncTask implements it): whether `execute` is under
   * way. The library never calls it.
   */
  isRunning?(): boolean;
  /** Optional, for the task's own callers (BaseAsyncTask implements it): its params as submitted. The library never calls it. */
  getParams?(): string;
  /** The live progress object; the framework samples it, so return the same instance each time. */
  getProgress(): ProgressRecord;
}
