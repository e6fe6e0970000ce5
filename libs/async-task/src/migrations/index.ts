import { CreateAsyncTaskTables1764300000000 } from './1764300000000-create-async-task-tables.js';
import { AddInterruptRequestedAt1764500000000 } from './1764500000000-add-interrupt-requested-at.js';
import { AddTaskRetryPolicy1764600000000 } from './1764600000000-add-task-retry-policy.js';
import { AddSchedulesAndRetention1764700000000 } from './1764700000000-add-schedules-and-retention.js';
import { AddTaskCluster1764800000000 } from './1764800000000-add-task-cluster.js';

export {
  AddInterruptRequestedAt1764500000000,
  AddSchedulesAndRetention1764700000000,
  AddTaskCluster1764800000000,
  AddTaskRetryPolicy1764600000000,
  CreateAsyncTaskTables1764300000000,
};

/** Add these to the host DataSource's `migrations` and run them (`migrationsRun: true` or the CLI). */
export const ASYNC_TASK_MIGRATIONS = [
  CreateAsyncTaskTables1764300000000,
  AddInterruptRequestedAt1764500000000,
  AddTaskRetryPolicy1764600000000,
  AddSchedulesAndRetention1764700000000,
  AddTaskCluster1764800000000,
];
