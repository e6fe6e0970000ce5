import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AsyncTaskManager, type AsyncTaskRedisOption, AsyncTaskStatus } from '@sfc/async-task';
import { startAsyncTaskContext } from '../nodes/async-task-context.js';
import { BASELINE_QUEUE, NOOP_TASK_TYPE, type NodeMode } from '../nodes/node-protocol.js';
import type { BenchDatabase } from '../support/bench-database.js';
import type { PostgresBenchDatabase } from '../support/postgres-database.js';
import { REDIS_URL } from '../support/bench-config.js';
import type { NodeProcess } from '../support/node-processes.js';

/** Where a scenario's figures come from once its tasks are submitted. */
export interface Progress {
  processed: number;
  /** Epoch ms of the last finished task. */
  lastFinishedAt: number;
}

/** The submitting side of one contender, living in the bench parent. */
export interface Submitter {
  /** Submits one task; `name` is "throughput" or "latency". */
  submit(name: string): Promise<void>;
  /** Submits `count` tasks in one call of the contender's bulk API (contenders with `bulk` only). */
  submitMany?(name: string, count: number): Promise<void>;
  progress(nodes: NodeProcess[]): Promise<Progress>;
  latenciesMs(nodes: NodeProcess[]): Promise<number[]>;
  close(): Promise<void>;
}

/** The run's own database: MySQL (ours, hand-written) or PostgreSQL (the peers). */
export type RunDatabase = BenchDatabase | PostgresBenchDatabase;

export interface Contender {
  /** Short name, for BENCH_CONTENDERS and the ratios: raw, raw-2, hand-written, ours-1, ours-2, ours-bulk, graphile-worker, … */
  id: string;
  label: string;
  mode: NodeMode;
  nodes: number;
  database: 'mysql' | 'postgres';
  /** The throughput phase submits with `submitMany` in calls of BENCH_BULK_SIZE tasks. */
  bulk?: boolean;
  /** Where its Redis is: one server (BENCH_REDIS_URL) or the bench's local Redis Cluster. */
  deployment?: 'one-redis' | 'cluster';
  openSubmitter(prefix: string, database: RunDatabase, redis: Redis, redisOption: AsyncTaskRedisOption): Promise<Submitter>;
}

const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true };

/** Counts and timings from the nodes themselves (the raw baseline has no database to ask, graphile-worker deletes done jobs). */
export async function progressFromNodes(nodes: NodeProcess[]): Promise<Progress> {
  const reports = await Promise.all(nodes.map((node) => node.report()));
  return {
    processed: reports.reduce((sum, report) => sum + report.processed, 0),
    lastFinishedAt: Math.max(...reports.map((report) => report.lastFinishedAt)),
  };
}

/** Counts and timings from async_task_record: "done" means status 2 in MySQL. */
async function progressFromDatabase(database: RunDatabase): Promise<Progress> {
  const [row] = await mysql(database).dataSource.query(
    'SELECT COUNT(*) AS n, UNIX_TIMESTAMP(MAX(finished_at)) * 1000 AS last FROM async_task_record WHERE status = ?',
    [AsyncTaskStatus.SUCCESS],
  );
  return { processed: Number(row.n), lastFinishedAt: Number(row.last ?? 0) };
}

async function latenciesFromDatabase(database: RunDatabase): Promise<number[]> {
  const rows: Array<{ ms: string }> = await mysql(database).dataSource.query(
    "SELECT TIMESTAMPDIFF(MICROSECOND, created_at, started_at) / 1000 AS ms FROM async_task_record WHERE name = 'latency'",
  );
  return rows.map((row) => Number(row.ms));
}

/** Submit → start of the tasks named "latency", as the nodes measured them. */
export async function latenciesFromNodes(nodes: NodeProcess[]): Promise<number[]> {
  return (await Promise.all(nodes.map((node) => node.report()))).flatMap((report) => report.latenciesMs);
}

function mysql(database: RunDatabase): BenchDatabase {
  if (!('dataSource' in database)) throw new Error('This contender runs on MySQL');
  return database;
}

/** Contender 1, the ceiling, with one worker process or two (the like-for-like base of ours with two nodes). */
export function rawBullmq(nodes: number): Contender {
  return {
    id: nodes === 1 ? 'raw' : `raw-${nodes}`,
    label: `1. raw BullMQ (no-op, no DB)${nodes > 1 ? `, ${nodes} worker processes` : ''}`,
    mode: 'raw-bullmq',
    nodes,
    database: 'mysql',
    async openSubmitter(prefix, _database, redis) {
      const queue = new Queue(BASELINE_QUEUE, { connection: redis, prefix });
      return {
        submit: async (name) => void (await queue.add(name, {}, JOB_OPTIONS)),
        progress: progressFromNodes,
        latenciesMs: latenciesFromNodes,
        close: () => queue.close(),
      };
    },
  };
}

let handWrittenSequence = 0;

export const handWritten: Contender = {
  id: 'hand-written',
  label: '2. hand-written BullMQ + 3 SQL writes',
  mode: 'hand-written',
  nodes: 1,
  database: 'mysql',
  async openSubmitter(prefix, run, redis) {
    const database = mysql(run);
    const queue = new Queue(BASELINE_QUEUE, { connection: redis, prefix });
    return {
      async submit(name) {
        const id = `hw-${process.pid}-${++handWrittenSequence}`;
        await database.dataSource.query(
          `INSERT INTO async_task_record (id, name, task_type, params, status, attempt, offline_count, cpu_overhead, priority,
           created_at, updated_at) VALUES (?, ?, ?, '', 0, 0, 0, 100, 0, ?, ?)`,
          [id, name, NOOP_TASK_TYPE, new Date(), new Date()],
        );
        await queue.add(name, { id }, { ...JOB_OPTIONS, jobId: id });
      },
      progress: () => progressFromDatabase(database),
      latenciesMs: () => latenciesFromDatabase(database),
      close: () => queue.close(),
    };
  },
};

/**
 * Contender 3 with one or two worker node processes; the parent submits through an API-only node, one
 * task per call or in bulk. On `cluster`, everything runs against the bench's local 3-master Redis
 * Cluster instead of one Redis.
 */
export function asyncTask(nodes: number, { bulk = false, deployment = 'one-redis' }: { bulk?: boolean; deployment?: 'one-redis' | 'cluster' } = {}): Contender {
  const onCluster = deployment === 'cluster';
  return {
    id: bulk ? 'ours-bulk' : `ours-${nodes}${onCluster ? '-cluster' : ''}`,
    label: `3. @sfc/async-task, ${nodes} node${nodes > 1 ? 's' : ''}${bulk ? ', bulk submitAsyncTasks' : ''}${onCluster ? ', Redis Cluster (3 masters)' : ''}`,
    mode: 'async-task',
    nodes,
    database: 'mysql',
    bulk,
    deployment,
    async openSubmitter(prefix, run, _redis, redisOption) {
      const database = mysql(run);
      const app: INestApplicationContext = await startAsyncTaskContext(database.url, { redis: redisOption, prefix, worker: false });
      const manager = app.get(AsyncTaskManager);
      const input = (name: string) => ({ name, taskType: NOOP_TASK_TYPE, params: '', cpuOverhead: 100 });
      return {
        submit: async (name) => void (await manager.submitAsyncTask(input(name))),
        async submitMany(name, count) {
          const refused = (await manager.submitAsyncTasks(Array.from({ length: count }, () => input(name)))).find((answer) => !answer.ok);
          if (refused && !refused.ok) throw refused.error;
        },
        progress: () => progressFromDatabase(database),
        latenciesMs: () => latenciesFromDatabase(database),
        close: () => app.close(),
      };
    },
  };
}
