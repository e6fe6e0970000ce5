// Task log bench: `npm run bench:logs` (builds, then runs dist/bench/log.bench.js).
// Node A (worker) and node B (API-only) are two Nest application contexts in this one process, each
// with its own Redis connections and DataSource, against the local Redis and MySQL.
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { AsyncTaskStatus } from '@sfc/async-task';
import { LogBenchCluster } from './logs/log-bench.cluster.js';

const BURST_LINES = envInteger('LOG_BENCH_LINES', 100_000);
const PACED_LINES = envInteger('LOG_BENCH_PACED_LINES', 500);
const PACED_EVERY_MS = envInteger('LOG_BENCH_PACED_EVERY_MS', 10);

async function main(): Promise<void> {
  const cluster = new LogBenchCluster();
  await cluster.start();
  try {
    const throughput = await measureThroughput(cluster);
    const latency = await measureLiveLatency(cluster);
    const rows: Array<[string, string]> = [
      ['log lines written by one task (in execute)', `${format(throughput.writtenPerSecond)} lines/s`],
      ['log lines written and persisted (start → row saved, SUCCESS)', `${format(throughput.persistedPerSecond)} lines/s`],
      ['lines in the saved row / written', `${throughput.savedLines} / ${BURST_LINES + 1} (${(throughput.bytes / 1048576).toFixed(1)} MiB)`],
      [`live line latency A → B, follow (${latency.count} lines, one per ${PACED_EVERY_MS} ms) p50`, `${latency.p50.toFixed(1)} ms`],
      ['live line latency A → B p99', `${latency.p99.toFixed(1)} ms`],
      ['live line latency A → B max', `${latency.max.toFixed(1)} ms`],
    ];
    console.log('\n| measure | value |\n|---|---|');
    for (const [measure, value] of rows) console.log(`| ${measure} | ${value} |`);
    console.log('\nNode A and node B are two Nest application contexts in one process (separate Redis connections');
    console.log('and DataSources); the latency includes batching on A, Redis, and the blocking read on B.');
  } finally {
    await cluster.stop();
  }
}

async function measureThroughput(cluster: LogBenchCluster) {
  const { id } = await cluster.a.submitAsyncTask({ name: 'burst', taskType: 'log-burst', params: { lines: BURST_LINES } });
  const done = await cluster.b.waitForExit(id, 600_000);
  if (done.status !== AsyncTaskStatus.SUCCESS) throw new Error(`burst task ended in status ${done.status}`);
  const [row] = await cluster.query<Array<{ line_count: string; bytes: string; tail: string }>>(
    `SELECT LENGTH(log) - LENGTH(REPLACE(log, '\\n', '')) AS line_count, LENGTH(log) AS bytes, RIGHT(log, 100) AS tail
       FROM async_task_log_record WHERE task_id = ?`,
    [id],
  );
  const writtenMs = Number(/burst-ms=([\d.]+)/.exec(row.tail)?.[1]);
  const persistedMs = done.finishedAt!.getTime() - done.startedAt!.getTime();
  return {
    writtenPerSecond: (BURST_LINES * 1000) / writtenMs,
    persistedPerSecond: (BURST_LINES * 1000) / persistedMs,
    savedLines: Number(row.line_count),
    bytes: Number(row.bytes),
  };
}

async function measureLiveLatency(cluster: LogBenchCluster) {
  const { id } = await cluster.a.submitAsyncTask({ name: 'paced', taskType: 'log-paced', params: { lines: PACED_LINES, everyMs: PACED_EVERY_MS } });
  const stream: Readable = await cluster.b.getTaskLog(id, true, { follow: true });
  const latencies: number[] = [];
  let partial = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    const arrived = performance.timeOrigin + performance.now();
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const sent = /sent-at=([\d.]+)/.exec(line);
      if (sent) latencies.push(arrived - Number(sent[1]));
    }
  }
  latencies.sort((x, y) => x - y);
  const at = (quantile: number) => latencies[Math.min(latencies.length - 1, Math.floor(quantile * latencies.length))];
  return { count: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] };
}

function format(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function envInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
