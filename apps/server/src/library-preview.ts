import type { Readable } from 'node:stream';
import type { AsyncTaskManager, ProgressRecord } from '../../../libs/async-task/src/index.js';

/** One node of the cluster as `listNodes()` reports it. */
export interface ClusterNode {
  nodeId: string;
  host: string;
  pid: number;
  load: number;
  maxLoad: number;
  runningTasks: string[];
  taskTypes: string[];
  lastHeartbeat: number;
}

/**
 * The manager methods for logs, progress and nodes, which land in the library in parallel with this
 * server. TEMPORARY: once they are on main, callers use the manager directly and this file goes.
 */
export interface ManagerInsights {
  getTaskLog(taskId: string, withHistory?: boolean, options?: { follow?: boolean }): Promise<Readable>;
  getProgress(taskId: string): Promise<ProgressRecord | null>;
  listNodes(): Promise<ClusterNode[]>;
}

export function insightsOf(manager: AsyncTaskManager): ManagerInsights {
  return manager as unknown as ManagerInsights;
}
