import { AsyncTaskLogRecord } from './async-task-log-record.entity.js';
import { AsyncTaskRecord } from './async-task-record.entity.js';
import { AsyncTaskSchedule } from './async-task-schedule.entity.js';

export { AsyncTaskLogRecord, AsyncTaskRecord, AsyncTaskSchedule };

/** Add these to the host DataSource's `entities` (or use `autoLoadEntities: true`). */
export const ASYNC_TASK_ENTITIES = [AsyncTaskRecord, AsyncTaskLogRecord, AsyncTaskSchedule];
