/** Options of `AsyncTaskManager.getTaskLog()`. */
export interface TaskLogOptions {
  /**
   * Keep the stream open and deliver new lines as they are written, across failovers, until the
   * task ends (SUCCESS, FAILED or CANCELLED). Destroy the stream to stop following earlier.
   * @default false
   */
  follow?: boolean;
}
