// Public API of @sfc/async-task/testing: run a task in a unit test, with no Redis or MySQL.
export { runAsyncTaskForTest, TaskTestRun, type TaskTestResult, type TaskTestRunOptions } from './task-test-run.js';
