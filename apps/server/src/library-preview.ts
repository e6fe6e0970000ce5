import type { Readable } from 'node:stream';
import type { AsyncTaskManager, ProgressRecord } from '../../../libs/async-task/src/index.js';

/**
 * The manager methods for logs and progress, which land in the library in parallel with this
 * server. TEMPORARY: once they are on main, callers use the manager directly and this file goes.
 */
export interface ManagerInsights {
  getTaskLog(taskId: string, withHistory?: boolean, options?: { follow?: boolean }): Promise<Readable>;
  getProgress(taskId: string): Promise<ProgressRecord | null>;
}

export function insightsOf(manager: AsyncTaskManager): ManagerInsights {
  return manager as unknown as ManagerInsights;
}
