import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { BenchDatabase } from '../support/bench-database.js';
import { REDIS_URL, uniqueName, type BenchConfig } from '../support/bench-config.js';
import type { NodeReport } from '../nodes/node-protocol.js';
import { benchRedisCluster } from '../support/bench-redis-cluster.js';
import { NodeProcess } from '../support/node-processes.js';
import { PostgresBenchDatabase } from '../support/postgres-database.js';
import { PostgresCpu, ServerCpu } from '../support/process-cpu.js';
import { deleteKeysWithPrefix } from '../support/redis-keys-cleanup.js';
import { percentile } from '../support/stats.js';
import type { Contender, Submitter } from './contenders.js';

export interface ThroughputRun {
  contenderId: string;
  contender: string;
  tasks: number;
  /** Tasks per second, first submit → last task done. */
  tasksPerSecond: number;
  /** Submissions per second while the workers ran. */
  submitsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Largest RSS of the worker node processes, when ready and after all tasks. */
  rssBeforeBytes: number;
  rssAfterBytes: number;
  /** CPU time the worker nodes used per task (throughput phase): steadier than tasks/s on a shared machine. */
  workerCpuMsPerTask: number;
  /** Redis commands and SQL statements the worker nodes sent per task (throughput phase). */
  redisCommandsPerTask: number;
  sqlQueriesPerTask: number;
  /**
   * CPU per task (throughput phase) of the submitting parent and of the local MySQL and Redis servers:
   * on one machine all of them share the cores, so they bound tasks/s as much as the workers do.
   */
  submitterCpuMsPerTask: number;
  mysqlCpuMsPerTask: number;
  redisCpuMsPerTask: number;
  /** The run's PostgreSQL backends and the server's own processes (the peers only; NaN for the others). */
  postgresCpuMsPerTask: number;
  /** Every process above together: workers, submitter, MySQL, Redis, PostgreSQL (unknown ones count 0). */
  totalCpuMsPerTask: number;
  /** Submitted in bulk calls of this many tasks (0: one task per call). */
  bulkSize: number;
  /** 1-minute load average when the run started (the machine is shared: figures move with it). */
  loadAverage: number;
}

const POLL_MS = 50;

/**
 * One run of one contender, in a database and queue prefix of its own: the worker nodes start, the
 * parent submits `tasks` tasks as fast as `submitters` concurrent callers can and waits until all are
 * done; then a paced phase measures submit → start latency below saturation.
 */
export async function runThroughput(contender: Contender, config: BenchConfig): Promise<ThroughputRun> {
  const database = contender.database === 'postgres' ? new PostgresBenchDatabase() : new BenchDatabase();
  const loadAverage = loadavg()[0];
  const prefix = uniqueName('bench');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const nodes: NodeProcess[] = [];
  let submitter: Submitter | undefined;
  try {
    await database.create();
    const cluster = contender.deployment === 'cluster' ? await benchRedisCluster() : undefined;
    const redisOption = cluster?.option ?? REDIS_URL;
    const settings = { prefix, redisUrl: REDIS_URL, redis: redisOption, databaseUrl: database.url, concurrency: config.concurrency };
    nodes.push(...(await Promise.all(Array.from({ length: contender.nodes }, () => NodeProcess.start(contender.mode, settings)))));
    submitter = await contender.openSubmitter(prefix, database, redis, redisOption);

    // On the cluster, the Redis CPU is that of all its servers.
    const servers = ServerCpu.find(cluster ? cluster.nodes.map((node) => node.port) : [Number(new URL(REDIS_URL).port || 6379)]);
    const postgresCpu = contender.database === 'postgres' ? new PostgresCpu(database.name) : undefined;
    const bulkSize = contender.bulk ? config.bulkSize : 0;
    // Warm-up, the same way as the measured phase: the measured phase lasts about a second, so without
    // it each contender's first-call costs (JIT compilation, connection pools, prepared plans) weigh
    // on its figures in proportion to how much code it runs rather than to what a task costs.
    await submitConcurrently(submitter, config.warmupTasks, config.submitters, bulkSize);
    await waitUntilProcessed(submitter, nodes, config.warmupTasks);
    const warmReports = await Promise.all(nodes.map((node) => node.report()));
    const serversBefore = servers.read();
    postgresCpu?.start();
    const submitterBefore = process.cpuUsage();
    const startedAt = Date.now();
    await submitConcurrently(submitter, config.tasks, config.submitters, bulkSize);
    const submittedAt = Date.now();
    const done = await waitUntilProcessed(submitter, nodes, config.warmupTasks + config.tasks);
    const submitterCpu = process.cpuUsage(submitterBefore);
    const serversAfter = servers.read();
    const postgresMs = postgresCpu?.stop() ?? NaN;
    const seconds = (done.lastFinishedAt - startedAt) / 1000;
    const reports = await Promise.all(nodes.map((node) => node.report()));

    await submitPaced(submitter, config.latencyTasks, config.latencyRate);
    await waitUntilProcessed(submitter, nodes, config.warmupTasks + config.tasks + config.latencyTasks);
    const latencies = await submitter.latenciesMs(nodes);
    const workerCpuMsPerTask = perTask(warmReports, reports, 'cpuMs', config.tasks);
    const submitterCpuMsPerTask = (submitterCpu.user + submitterCpu.system) / 1000 / config.tasks;
    const mysqlCpuMsPerTask = (serversAfter.mysqlMs - serversBefore.mysqlMs) / config.tasks;
    const redisCpuMsPerTask = (serversAfter.redisMs - serversBefore.redisMs) / config.tasks;
    const postgresCpuMsPerTask = postgresMs / config.tasks;
    const known = (value: number) => (Number.isFinite(value) ? value : 0);
    return {
      contenderId: contender.id,
      contender: contender.label,
      tasks: config.tasks,
      tasksPerSecond: config.tasks / seconds,
      submitsPerSecond: config.tasks / ((submittedAt - startedAt) / 1000),
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      rssBeforeBytes: Math.max(...nodes.map((node) => node.readyReport.rssBytes)),
      rssAfterBytes: Math.max(...reports.map((report) => report.rssBytes)),
      workerCpuMsPerTask,
      redisCommandsPerTask: perTask(warmReports, reports, 'redisCommands', config.tasks),
      sqlQueriesPerTask: perTask(warmReports, reports, 'sqlQueries', config.tasks),
      submitterCpuMsPerTask,
      mysqlCpuMsPerTask,
      redisCpuMsPerTask,
      postgresCpuMsPerTask,
      totalCpuMsPerTask: [workerCpuMsPerTask, submitterCpuMsPerTask, mysqlCpuMsPerTask, redisCpuMsPerTask, postgresCpuMsPerTask]
        .map(known)
        .reduce((sum, value) => sum + value, 0),
      bulkSize,
      loadAverage,
    };
  } finally {
    await submitter?.close();
    await Promise.allSettled(nodes.map((node) => node.stop()));
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    await database.drop();
  }
}

/** What the nodes used between two sets of their reports (before and after the measured phase), per task. */
function perTask(before: NodeReport[], after: NodeReport[], figure: 'cpuMs' | 'redisCommands' | 'sqlQueries', tasks: number): number {
  const sent = after.reduce((sum, report, index) => sum + report[figure] - before[index][figure], 0);
  return sent / tasks;
}

/** `concurrency` callers submit `tasks` tasks: one per call, or `bulkSize` per call of the bulk API. */
async function submitConcurrently(submitter: Submitter, tasks: number, concurrency: number, bulkSize: number): Promise<void> {
  if (tasks === 0) return;
  let next = 0;
  const perCall = bulkSize > 0 ? bulkSize : 1;
  const caller = async () => {
    while (next < tasks) {
      const count = Math.min(perCall, tasks - next);
      next += count;
      if (bulkSize > 0) await submitter.submitMany!('throughput', count);
      else await submitter.submit('throughput');
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.ceil(tasks / perCall)) }, caller));
}

/** One submission every 1/rate seconds, each not waiting for the previous, like independent users. */
async function submitPaced(submitter: Submitter, tasks: number, ratePerSecond: number): Promise<void> {
  const start = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < tasks; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    if (due > Date.now()) await delay(due - Date.now());
    pending.push(submitter.submit('latency'));
  }
  await Promise.all(pending);
}

async function waitUntilProcessed(submitter: Submitter, nodes: NodeProcess[], tasks: number, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await submitter.progress(nodes);
    if (progress.processed >= tasks) return progress;
    if (Date.now() > deadline) throw new Error(`Only ${progress.processed} of ${tasks} tasks done after ${timeoutMs} ms`);
    await delay(POLL_MS);
  }
}
