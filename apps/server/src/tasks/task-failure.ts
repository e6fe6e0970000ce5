import { UnrecoverableTaskError } from '@sfc/async-task';

/**
 * A failure as the task's owner sees it (in `failedReason` and the log): its message only. Stack
 * lines would name the server's files, and absolute paths would show how the server is laid out,
 * so the sample tasks throw this instead of what Node or a library threw.
 */
export class TaskFailure extends Error {
  /** `permanent`: trying again would fail the same way (e.g. a 404), so no retry is spent on it. */
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'TaskFailure';
    // The library logs `stack` when there is one.
    this.stack = message;
  }

  /** `error` as a TaskFailure, with `folder` (the user's own) shown as relative paths and any other absolute path hidden. */
  /** What the library is handed: a permanent failure as an UnrecoverableTaskError (no retry), its message only. */
  toThrown(): Error {
    if (!this.permanent) return this;
    const unrecoverable = new UnrecoverableTaskError(this.message);
    unrecoverable.stack = this.message;
    return unrecoverable;
  }

  static from(error: unknown, folder: string): TaskFailure {
    if (error instanceof TaskFailure) return error;
    const message = error instanceof Error ? error.message || error.name : String(error);
    const relative = message.split(`${folder}/`).join('').split(folder).join('.');
    return new TaskFailure(relative.replace(/(^|[\s'"(=])\/(?:[^\s'"):]+\/)+[^\s'"):]*/g, '$1<server path>'));
  }
}
