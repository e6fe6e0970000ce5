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
  const contenders = [...new Set(result.runs.map((run) => run.contender))];
  const runsOf = (label: string) => result.runs.filter((run) => run.contender === label);
  const lines = [
    `Bench of ${result.startedAt} — ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ` +
      `Redis ${m.redis}, MySQL ${m.mysql}; load average ${m.loadAverageAtStart} at start.`,
    `${c.tasks} trivial tasks per run, concurrency ${c.concurrency} per worker process, ${c.submitters} concurrent submitters ` +
      `in the parent; ${c.repeats} interleaved runs each: median (min–max). Latency: ${c.latencyTasks} tasks paced at ${c.latencyRate}/s.`,
    '',
    '| scenario | tasks/s | submits/s | submit→start p50 ms | p99 ms | worker RSS MiB ready → after |',
    '|---|---|---|---|---|---|',
  ];
  for (const label of contenders) {
    const runs = runsOf(label);
    const pick = (figure: (run: ThroughputRun) => number, digits = 0) => withSpread(runs.map(figure), digits);
    lines.push(
      `| ${label} | ${pick((r) => r.tasksPerSecond)} | ${pick((r) => r.submitsPerSecond)} | ${pick((r) => r.latencyP50Ms, 1)} | ` +
        `${pick((r) => r.latencyP99Ms, 1)} | ${median(runs.map((r) => mebibytes(r.rssBeforeBytes))).toFixed(0)} → ` +
        `${median(runs.map((r) => mebibytes(r.rssAfterBytes))).toFixed(0)} |`,
    );
  }
  const [raw, handWritten, ...ours] = contenders;
  if (raw && handWritten && ours.length > 0) {
    lines.push('', '| ratio, run by run | ' + ours.map((label) => label.replace(/^3\. @sfc\/async-task, /, 'ours, ')).join(' | ') + ' | target |');
    lines.push('|---|' + ours.map(() => '---|').join('') + '---|');
    const ratioRow = (base: string, name: string, target: string) =>
      `| ${name} | ${ours.map((label) => withSpread(ratios(runsOf(label), runsOf(base)), 2)).join(' | ')} | ${target} |`;
    lines.push(ratioRow(raw, '3 / 1 (vs raw BullMQ)', '≥ 0.30'), ratioRow(handWritten, '3 / 2 (vs hand-written)', '≥ 1.00'));
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
