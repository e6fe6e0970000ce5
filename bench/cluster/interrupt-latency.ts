import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { AsyncTaskManager, AsyncTaskStatus } from '@sfc/async-task';
import { startAsyncTaskContext } from '../nodes/async-task-context.js';
import { INTERRUPTIBLE_TASK_TYPE } from '../nodes/node-protocol.js';
import { BenchDatabase } from '../support/bench-database.js';
import { envInteger, REDIS_URL, uniqueName } from '../support/bench-config.js';
import { describeMachine } from '../support/machine.js';
import { NodeProcess } from '../support/node-processes.js';
import { deleteKeysWithPrefix } from '../support/redis-keys-cleanup.js';
import { saveResult } from '../support/results.js';
import { percentile } from '../support/stats.js';

/**
 * `npm run bench:interrupt`: interrupt latency across nodes (design §7, target p99 ≤ 50 ms). A worker
 * node process runs tasks that wait for their AbortSignal; the parent, an API-only node, calls
 * interrupt() on each running task in turn. Latency = when the signal fired in the worker − when
 * interrupt() was called in the parent (same host clock). Also: interrupt() call → CANCELLED in MySQL.
 */
async function main(): Promise<void> {
  const samples = envInteger('BENCH_INTERRUPTS', 200);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const machine = await describeMachine(redis);
  const database = new BenchDatabase();
  const prefix = uniqueName('bench_int');
  let node: NodeProcess | undefined;
  try {
    await database.create();
    node = await NodeProcess.start('async-task-interruptible', { prefix, redisUrl: REDIS_URL, databaseUrl: database.url, concurrency: 4 });
    const app = await startAsyncTaskContext(database.url, { redis: REDIS_URL, prefix, worker: false });
    const manager = app.get(AsyncTaskManager);
    const calledAt = new Map<string, number>();
    const toCancelledMs: number[] = [];
    try {
      for (let i = 0; i < samples; i++) {
        const { id } = await manager.submitAsyncTask({ name: 'interrupt', taskType: INTERRUPTIBLE_TASK_TYPE, params: '' });
        await untilExecuting(node, id);
        const t0 = Date.now();
        calledAt.set(id, t0);
        await manager.interrupt(id);
        const ended = await manager.waitForExit(id, 10_000);
        if (ended.status !== AsyncTaskStatus.CANCELLED) throw new Error(`Task ${id} ended in ${ended.status}, not CANCELLED`);
        toCancelledMs.push(ended.finishedAt!.getTime() - t0);
      }
    } finally {
      await app.close();
    }
    const { marks } = await node.report();
    const latencies = [...calledAt].map(([id, t0]) => marks[id] - t0);
    if (latencies.some((latency) => !Number.isFinite(latency))) throw new Error('A worker never saw an interrupt');
    const startedAt = new Date().toISOString();
    const result = {
      startedAt,
      machine,
      samples,
      signalP50Ms: percentile(latencies, 50),
      signalP99Ms: percentile(latencies, 99),
      signalMaxMs: Math.max(...latencies),
      cancelledP50Ms: percentile(toCancelledMs, 50),
      cancelledP99Ms: percentile(toCancelledMs, 99),
    };
    const report =
      `Interrupt latency across nodes, ${samples} tasks one at a time (${machine.cores} cores, load ${machine.loadAverageAtStart}): ` +
      `interrupt() → AbortSignal in the worker p50 ${result.signalP50Ms} ms, p99 ${result.signalP99Ms} ms (max ${result.signalMaxMs}; target p99 ≤ 50); ` +
      `→ CANCELLED in MySQL p50 ${result.cancelledP50Ms} ms, p99 ${result.cancelledP99Ms} ms.`;
    console.log(report);
    await saveResult('interrupt-latency', startedAt, result, report);
  } finally {
    await node?.stop();
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    await database.drop();
  }
}

/** Until the task's execute() runs in the worker (RUNNING in MySQL comes a moment earlier). */
async function untilExecuting(node: NodeProcess, id: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await node.report()).marks[`${id}:started`]) {
    if (Date.now() > deadline) throw new Error(`Task ${id} did not start within ${timeoutMs} ms`);
    await delay(2);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
