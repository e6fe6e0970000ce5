import { randomBytes } from 'node:crypto';

/** Services and sizes of a bench run; every figure can be overridden by an environment variable. */
export const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The peers' server (graphile-worker, pg-boss); each run gets a database of its own on it. */
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchConfig {
  /** Tasks per throughput run. */
  tasks: number;
  /** Tasks run the same way before each measured phase, and not counted (0: measure from a cold start). */
  warmupTasks: number;
  /** Tasks running at once per worker process (BullMQ `concurrency`; our `maxLoad / cpuOverhead`). */
  concurrency: number;
  /** Submissions in flight at once in the submitting parent. */
  submitters: number;
  /** Tasks per call of a bulk API (contenders that submit in bulk). */
  bulkSize: number;
  /** Runs of each throughput scenario (interleaved, so noise hits every scenario alike). */
  repeats: number;
  /** Tasks of the paced latency phase, and their rate per second (well below the ceiling). */
  latencyTasks: number;
  latencyRate: number;
  /** Ids of the contenders to run (all by default): see scenarios/contender-list.ts. */
  contenders: string[] | null;
  /** Tasks queued with no worker to measure Redis memory per queued task (0 skips it). */
  queuedTasks: number;
}

export function benchConfig(): BenchConfig {
  return {
    tasks: envInteger('BENCH_TASKS', 4000),
    warmupTasks: envInteger('BENCH_WARMUP_TASKS', 2000),
    concurrency: envInteger('BENCH_CONCURRENCY', 16),
    submitters: envInteger('BENCH_SUBMITTERS', 16),
    bulkSize: envInteger('BENCH_BULK_SIZE', 100),
    repeats: envInteger('BENCH_REPEATS', 2),
    latencyTasks: envInteger('BENCH_LATENCY_TASKS', 300),
    latencyRate: envInteger('BENCH_LATENCY_RATE', 100),
    queuedTasks: envInteger('BENCH_QUEUED_TASKS', 100_000),
    contenders: process.env.BENCH_CONTENDERS ? process.env.BENCH_CONTENDERS.split(',').map((id) => id.trim()) : null,
  };
}

export function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be an integer ≥ 0, got "${raw}"`);
  return value;
}

/** A name no other run uses, for queue prefixes and databases. */
export function uniqueName(label: string): string {
  return `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
