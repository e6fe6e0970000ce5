/** What `AsyncTaskManager.listTasks()` filters by, and the page it answers. */
export interface ListTasksQuery {
  uid?: string | number;
  status?: number | number[];
  taskType?: string;
  /** 1-based. @default 1 */
  page?: number;
  /** 1–500. @default 20 */
  size?: number;
}
