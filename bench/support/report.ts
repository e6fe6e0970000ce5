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
  const lines = [
    `Bench of ${result.startedAt} — ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ` +
      `Redis ${m.redis}, MySQL ${m.mysql}; load average ${m.loadAverageAtStart} at start.`,
    `${c.tasks} trivial tasks per run, concurrency ${c.concurrency} per worker process, ${c.submitters} concurrent submitters ` +
      `in the parent; ${c.repeats} interleaved runs each: median (min–max). Latency: ${c.latencyTasks} tasks paced at ${c.latencyRate}/s.`,
    '',
    '| scenario | tasks/s | submits/s | submit→start p50 ms | p99 ms | worker RSS MiB ready → after | worker CPU ms / task | worker Redis cmds / SQL per task | CPU ms / task: submitter, MySQL, Redis |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const id of contenders) {
    const runs = runsOf(id);
    const pick = (figure: (run: ThroughputRun) => number, digits = 0) => withSpread(runs.map(figure), digits);
    lines.push(
      `| ${runs[0].contender} | ${pick((r) => r.tasksPerSecond)} | ${pick((r) => r.submitsPerSecond)} | ${pick((r) => r.latencyP50Ms, 1)} | ` +
        `${pick((r) => r.latencyP99Ms, 1)} | ${median(runs.map((r) => mebibytes(r.rssBeforeBytes))).toFixed(0)} → ` +
        `${median(runs.map((r) => mebibytes(r.rssAfterBytes))).toFixed(0)} | ${pick((r) => r.workerCpuMsPerTask, 2)} | ` +
        `${median(runs.map((r) => r.redisCommandsPerTask)).toFixed(1)} / ${median(runs.map((r) => r.sqlQueriesPerTask)).toFixed(1)} | ` +
        `${[(r: ThroughputRun) => r.submitterCpuMsPerTask, (r: ThroughputRun) => r.mysqlCpuMsPerTask, (r: ThroughputRun) => r.redisCpuMsPerTask]
          .map((figure) => median(runs.map(figure)))
          .map((value) => (Number.isFinite(value) ? value.toFixed(2) : '—'))
          .join(', ')} |`,
    );
  }
  const ours = contenders.filter((id) => id.startsWith('ours-'));
  const baselines = [
    { id: 'raw', name: '3 / 1 (vs raw BullMQ)', target: '≥ 0.30' },
    { id: 'hand-written', name: '3 / 2 (vs hand-written)', target: '≥ 1.00' },
  ].filter((baseline) => contenders.includes(baseline.id));
  if (ours.length > 0 && baselines.length > 0) {
    lines.push('', `| ratio, run by run | ${ours.map((id) => (id === 'ours-1' ? 'ours, 1 node' : `ours, ${id.replace('ours-', '')} nodes`)).join(' | ')} | target |`);
    lines.push(`|---|${ours.map(() => '---|').join('')}---|`);
    for (const { id, name, target } of baselines) {
      lines.push(`| ${name} | ${ours.map((our) => withSpread(ratios(runsOf(our), runsOf(id)), 2)).join(' | ')} | ${target} |`);
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

/** Ours over a baseline, pairing runs of the same repeat (they saw the same machine load). */
function ratios(ours: ThroughputRun[], base: ThroughputRun[]): number[] {
  return ours.slice(0, base.length).map((run, index) => run.tasksPerSecond / base[index].tasksPerSecond);
}
