import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { AsyncTask } from '../task/async-task.interface.js';

/** A task this node has admitted: from the moment its budget is reserved until its final write. */
export interface Execution {
  taskId: string;
  attempt: number;
  cpuOverhead: number;
  abort: AbortController;
  record?: AsyncTaskRecord;
  task?: AsyncTask;
  /** Set when a user interrupt arrived; the attempt then ends in CANCELLED whatever execute() does. */
  interrupted: boolean;
  /** Set when this node gave the attempt back (shutdown); its own end is then not recorded. */
  handedOver: boolean;
  /** Set once execute() has returned: the attempt then records its own result and is never handed over. */
  returned: boolean;
  /** Whether the attempt still counts against the node's CPU budget (until execute() returns). */
  holdsBudget: boolean;
  /** Called by the runner as soon as execute() has returned (the budget is freed before the final writes). */
  onReturned?: () => void;
  done: Promise<void>;
}
