import type { AsyncTask } from './async-task.interface.js';
import { ProgressRecord } from './progress-record.js';
import type { AsyncTaskLog } from './async-task-log.js';

/**
 * Convenience base for a task: keeps the running flag, the live ProgressRecord and the params, and
 * turns `interrupt()` into an abort of the signal `run()` gets (which also aborts when the framework
 * stops the task). Implement only `run()`; update `this.progress` as work is done.
 *
 * ```ts
 * class CopyTask extends BaseAsyncTask {
 *   protected async run(log: AsyncTaskLog, signal: AbortSignal) {
 *     const { from, to } = JSON.parse(this.params);
 *     log.info(`copying ${from}`);
 *     await copyWithProgress(from, to, { signal, onBytes: (n) => this.progress.appendLoaded(n) });
 *   }
 * }
 * ```
 */
export abstract class BaseAsyncTask implements AsyncTask {
  protected readonly progress = new ProgressRecord();
  private running = false;
  private readonly interrupted = new AbortController();

  constructor(protected readonly params: string) {}

  /** The work itself: resolve for SUCCESS, throw for FAILED; stop soon after `signal` aborts. */
  protected abstract run(log: AsyncTaskLog, signal: AbortSignal): Promise<void> | void;

  async execute(log: AsyncTaskLog, signal: AbortSignal): Promise<void> {
    this.running = true;
    try {
      await this.run(log, AbortSignal.any([signal, this.interrupted.signal]));
    } finally {
      this.running = false;
    }
  }

  interrupt(): void {
    this.interrupted.abort(new Error('Task interrupted'));
  }

  isRunning(): boolean {
    return this.running;
  }

  getParams(): string {
    return this.params;
  }

  getProgress(): ProgressRecord {
    return this.progress;
  }
}
