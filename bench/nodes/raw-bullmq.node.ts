import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { RunningNode } from './bench-node.js';
import { BASELINE_QUEUE, type NodeSettings } from './node-protocol.js';

/** Contender 1, the ceiling: a plain BullMQ worker whose jobs do nothing and touch no database. */
export async function startRawBullmqNode(settings: NodeSettings): Promise<RunningNode> {
  let processed = 0;
  let lastFinishedAt = 0;
  const latenciesMs: number[] = [];
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    BASELINE_QUEUE,
    async (job) => {
      if (job.name === 'latency') latenciesMs.push(Date.now() - job.timestamp);
      processed++;
      lastFinishedAt = Date.now();
    },
    { connection, prefix: settings.prefix, concurrency: settings.concurrency },
  );
  await worker.waitUntilReady();
  return {
    report: async () => ({ processed, lastFinishedAt, latenciesMs }),
    close: async () => {
      await worker.close();
      await connection.quit();
    },
  };
}
