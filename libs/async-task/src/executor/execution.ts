import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import type { AsyncTask } from '../task/async-task.interface.js';
import type { AsyncTaskFactory } from '../task/async-task-factory.interface.js';

/** What a queue entry says about the attempt it starts, enough to decide admission. */
export interface AttemptEntry {
  taskId: string;
  attempt: number;
  cpuOverhead: number;
}

/**
 * A task this node has admitted: from the moment its budget is reserved until its final write.
 * Owned by AsyncTaskExecutor, which alone changes its state; the runner reads the flags and hands
 * over the task it created (so that the executor can call its interrupt()).
 */
export interface Execution {
  readonly taskId: string;
  attempt: number;
  readonly cpuOverhead: number;
  readonly factory: AsyncTaskFactory;
  readonly abort: AbortController;
  record?: AsyncTaskRecord;
  /** Set by the runner once the factory has made it. */
  task?: AsyncTask;
  /** Set when a user interrupt arrived; the attempt then ends in CANCELLED whatever execute() does. */
  interrupted: boolean;
  /** Set when this node gave the attempt back (shutdown); its own end is then not recorded. */
  handedOver: boolean;
  /** Set once execute() has returned: the attempt then records its own result and is never handed over. */
  returned: boolean;
  /** Whether the attempt still counts against the node's CPU budget (until execute() returns). */
  holdsBudget: boolean;
  done: Promise<void>;
}

/**
 * The executor's answer to an entry: admitted (its budget is held), refused (it goes back to the
 * queue for another node or later), or stale (this node holds a newer attempt of it: drop the entry).
 */
export type Admission = { kind: 'admitted'; execution: Execution } | { kind: 'refused' } | { kind: 'stale' };
