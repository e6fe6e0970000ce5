import type { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import type { AsyncTaskSchedule } from '../entities/async-task-schedule.entity.js';

/** A schedule as `listSchedules()` / `getSchedule()` answer it: the stored row and how its last run went. */
export interface AsyncTaskScheduleInfo extends AsyncTaskSchedule {
  /** Status of the task the last tick submitted (`lastTaskId`); null before the first tick or once that task was pruned. */
  lastTaskStatus: AsyncTaskStatus | null;
}
