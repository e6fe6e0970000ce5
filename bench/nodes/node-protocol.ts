/** Messages between the bench parent (the submitter) and its worker node processes, over Node IPC. */
import type { AsyncTaskRedisOption } from '@sfc/async-task';

export type NodeMode = 'raw-bullmq' | 'hand-written' | 'async-task' | 'async-task-interruptible' | 'graphile-worker' | 'pg-boss';

/** argv[3] of a node process, as JSON. */
export interface NodeSettings {
  prefix: string;
  redisUrl: string;
  /** The run's database: MySQL for ours and the hand-written baseline, PostgreSQL for the peers. */
  /** The library's `redis` option when it is not `redisUrl` (a Redis Cluster's node list). */
  redis?: AsyncTaskRedisOption;
  databaseUrl: string;
  concurrency: number;
  /** Extra AsyncTaskModule options (e.g. failover timings), where the node's mode uses the library. */
  moduleOptions?: Record<string, unknown>;
}

/** What a node knows about its own work; counts and latencies only where the node sees them. */
export interface NodeReport {
  rssBytes: number;
  processed: number;
  /** Epoch ms when the last task finished (0 if none). */
  lastFinishedAt: number;
  /** Submit → start of the tasks named "latency", in ms, where the node measures it. */
  latenciesMs: number[];
  /** Task id → epoch ms of the event the node's mode watches (e.g. when an interrupt arrived). */
  marks: Record<string, number>;
  /** CPU time (user + system) this process has used so far, in ms. */
  cpuMs: number;
  /** Redis commands and SQL statements this node has sent so far. */
  redisCommands: number;
  sqlQueries: number;
}

export type ParentMessage = { kind: 'report' } | { kind: 'stop' };
export type NodeMessage = { kind: 'ready'; report: NodeReport } | { kind: 'report'; report: NodeReport };

/** BullMQ queue name the baselines use (ours uses its own naming inside the library). */
export const BASELINE_QUEUE = 'bench';
/** Task type of the library's trivial bench task. */
export const NOOP_TASK_TYPE = 'bench.noop';
/** Task type of a task that runs until it is interrupted. */
export const INTERRUPTIBLE_TASK_TYPE = 'bench.until-interrupted';
/** Task identifier (graphile-worker) and queue name (pg-boss) of the peers' no-op job. */
export const PEER_TASK = 'bench_noop';
