/** What a node reports in its heartbeat; `listNodes()` returns these. */
export interface AsyncTaskNodeInfo {
  nodeId: string;
  host: string;
  pid: number;
  /** false for API-only nodes. */
  worker: boolean;
  /** Sum of the running tasks' cpuOverhead. */
  load: number;
  maxLoad: number;
  runningTasks: string[];
  taskTypes: string[];
  startedAt: number;
  /** Epoch ms of the last heartbeat, by the node's clock. */
  lastHeartbeat: number;
}
