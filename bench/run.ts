import { Redis } from 'ioredis';
import { CONTENDERS } from './scenarios/contender-list.js';
import { runRedisMemory } from './scenarios/redis-memory.scenario.js';
import { runThroughput } from './scenarios/throughput.scenario.js';
import { benchConfig, REDIS_URL } from './support/bench-config.js';
import { stopBenchRedisCluster } from './support/bench-redis-cluster.js';
import { describeMachine } from './support/machine.js';
import { renderReport, type BenchResult } from './support/report.js';
import { saveResult } from './support/results.js';

/**
 * `npm run bench`: the contenders side by side in one run, interleaved repeat by repeat, then Redis
 * memory per queued task. Prints one table and saves it with the raw figures under bench/results/.
 */
async function main(): Promise<void> {
  const config = benchConfig();
  const redis = new Redis(REDIS_URL);
  const machine = await describeMachine(redis);
  await redis.quit();
  const result: BenchResult = { startedAt: new Date().toISOString(), finishedAt: '', machine, config, runs: [] };
  const contenders = CONTENDERS.filter((contender) => !config.contenders || config.contenders.includes(contender.id));
  try {
    for (let repeat = 1; repeat <= config.repeats; repeat++) {
      for (const contender of contenders) {
        const run = await runThroughput(contender, config);
        result.runs.push(run);
        console.error(`run ${repeat}/${config.repeats} ${run.contender}: ${run.tasksPerSecond.toFixed(0)} tasks/s`);
      }
    }
  } finally {
    await stopBenchRedisCluster();
  }
  if (config.queuedTasks > 0) {
    result.redisMemory = await runRedisMemory(config);
    console.error(`Redis memory: ${result.redisMemory.keyMemoryPerTaskBytes.toFixed(0)} B per queued task`);
  }
  result.finishedAt = new Date().toISOString();
  const report = renderReport(result);
  console.log(`\n${report}\n`);
  await saveResult('bench', result.startedAt, result, report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
