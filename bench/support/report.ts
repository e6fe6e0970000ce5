import type { RedisMemoryRun } from '../scenarios/redis-memory.scenario.js';
import type { ThroughputRun } from '../scenarios/throughput.scenario.js';
import type { BenchConfig } from './bench-config.js';
import type { Machine } from './machine.js';
import { mebibytes, median, withSpread } from './stats.js';

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  config: BenchConfig;
  /** Every run in the order it ran: repeat by repeat, each contender once per repeat. */
  runs: ThroughputRun[];
  redisMemory?: RedisMemoryRun;
}

/** The one table of a bench run, in Markdown (pasted as is into the README's Performance section). */
export function renderReport(result: BenchResult): string {
  const { machine: m, config: c } = result;
  const contenders = [...new Set(result.runs.map((run) => run.contenderId))];
  const runsOf = (id: string) => result.runs.filter((run) => run.contenderId === id);
  const loads = result.runs.map((run) => run.loadAverage);
  const lines = [
    `Bench of ${result.startedAt} — ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ` +
      `Redis ${m.redis}, MySQL ${m.mysql}; load average ${m.loadAverageAtStart} at start, ` +
      `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} at the runs' starts.`,
    `${c.tasks} trivial tasks per run after ${c.warmupTasks} warm-up tasks, concurrency ${c.concurrency} per worker process, ${c.submitters} concurrent submitters ` +
      `in the parent (bulk: calls of ${c.bulkSize}); ${c.repeats} interleaved runs each: median (min–max). ` +
      `Latency: ${c.latencyTasks} tasks paced at ${c.latencyRate}/s, one per call. Compare within this table only.`,
    '',
    '| scenario | tasks/s | submits/s | submit→start p50 ms | p99 ms | worker RSS MiB ready → after | worker CPU ms / task | worker Redis cmds / SQL per task | CPU ms / task: submitter, MySQL, Redis, PostgreSQL | CPU ms / task, all processes |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const id of contenders) {
    const runs = runsOf(id);
    const pick = (figure: (run: ThroughputRun) => number, digits = 0) => withSpread(runs.map(figure), digits);
    lines.push(
      `| ${runs[0].contender} | ${pick((r) => r.tasksPerSecond)} | ${pick((r) => r.submitsPerSecond)} | ${pick((r) => r.latencyP50Ms, 1)} | ` +
        `${pick((r) => r.latencyP99Ms, 1)} | ${median(runs.map((r) => mebibytes(r.rssBeforeBytes))).toFixed(0)} → ` +
        `${median(runs.map((r) => mebibytes(r.rssAfterBytes))).toFixed(0)} | ${pick((r) => r.workerCpuMsPerTask, 2)} | ` +
        `${median(runs.map((r) => r.redisCommandsPerTask)).toFixed(1)} / ${median(runs.map((r) => r.sqlQueriesPerTask)).toFixed(1)} | ` +
        `${[
          (r: ThroughputRun) => r.submitterCpuMsPerTask,
          (r: ThroughputRun) => r.mysqlCpuMsPerTask,
          (r: ThroughputRun) => r.redisCpuMsPerTask,
          (r: ThroughputRun) => r.postgresCpuMsPerTask,
        ]
          .map((figure) => median(runs.map(figure)))
          .map((value) => (Number.isFinite(value) ? value.toFixed(2) : '—'))
          .join(', ')} | ${pick((r) => r.totalCpuMsPerTask, 2)} |`,
    );
  }
  const comparisons = RATIOS.filter((ratio) => contenders.includes(ratio.ours) && contenders.includes(ratio.base));
  if (comparisons.length > 0) {
    lines.push('', '| ratio of tasks/s, run by run | median (min–max) | target |', '|---|---|---|');
    for (const { name, ours, base, target } of comparisons) {
      lines.push(`| ${name} | ${withSpread(ratios(runsOf(ours), runsOf(base)), 2)} | ${target} |`);
    }
  }
  if (contenders.includes('ours-2-cluster') && contenders.includes('ours-2')) {
    // Same nodes and tasks on a local 3-master Redis Cluster vs one Redis, run by run.
    lines.push('', `Redis Cluster (3 masters + 3 replicas, this machine) / one Redis, ours with 2 nodes, run by run: ${withSpread(ratios(runsOf('ours-2-cluster'), runsOf('ours-2')), 2)}.`);
  }
  const memory = result.redisMemory;
  if (memory) {
    lines.push(
      '',
      `Redis memory per queued task (${memory.queuedTasks} tasks queued, no worker for their type): ` +
        `${memory.keyMemoryPerTaskBytes.toFixed(0)} B by MEMORY USAGE of the run's keys, ` +
        `${memory.usedMemoryPerTaskBytes.toFixed(0)} B by INFO used_memory (shared server, noisy). ` +
        `Submitted at ${memory.submitsPerSecond.toFixed(0)}/s; submitting node RSS ` +
        `${mebibytes(memory.submitterRssBeforeBytes).toFixed(0)} → ${mebibytes(memory.submitterRssAfterBytes).toFixed(0)} MiB.`,
    );
  }
  return lines.join('\n');
}

/** The comparisons the table ends with: ours over a baseline or a peer submitting the same way. */
const RATIOS = [
  { name: 'ours, 1 node / raw BullMQ, 1 worker', ours: 'ours-1', base: 'raw', target: '≥ 0.50' },
  { name: 'ours, 2 nodes / raw BullMQ, 2 workers', ours: 'ours-2', base: 'raw-2', target: '≥ 0.30' },
  { name: 'ours, 1 node / hand-written', ours: 'ours-1', base: 'hand-written', target: '≥ 1.00' },
  { name: 'ours / graphile-worker, one task per call', ours: 'ours-1', base: 'graphile-worker', target: '≥ 2.00' },
  { name: 'ours / pg-boss, one task per call', ours: 'ours-1', base: 'pg-boss', target: '≥ 2.00' },
  { name: 'ours bulk / graphile-worker bulk', ours: 'ours-bulk', base: 'graphile-worker-bulk', target: '≥ 1.00' },
  { name: 'ours bulk / pg-boss bulk', ours: 'ours-bulk', base: 'pg-boss-bulk', target: '≥ 1.00' },
];

/** Ours over a baseline, pairing runs of the same repeat (they saw the same machine load). */
function ratios(ours: ThroughputRun[], base: ThroughputRun[]): number[] {
  return ours.slice(0, base.length).map((run, index) => run.tasksPerSecond / base[index].tasksPerSecond);
}
