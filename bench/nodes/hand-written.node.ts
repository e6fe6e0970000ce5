import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { BenchDatabase } from '../support/bench-database.js';
import type { RunningNode } from './bench-node.js';
import { BASELINE_QUEUE, type NodeSettings } from './node-protocol.js';
import { sqlQueryCounter } from './round-trip-counter.js';

/**
 * Contender 2, what a user writes without us: a BullMQ worker that moves the task's row 0 → 1 → 2
 * with conditional UPDATEs (the submitter did the INSERT), on the same TypeORM/mysql2 pool and
 * table. Status is read from MySQL by the parent, so this node reports only its memory.
 */
export async function startHandWrittenNode(settings: NodeSettings): Promise<RunningNode> {
  const executor = `${hostname()}-${process.pid}`;
  const database = await new DataSource(BenchDatabase.options(settings.databaseUrl, sqlQueryCounter)).initialize();
  const connection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker<{ id: string }>(
    BASELINE_QUEUE,
    async (job) => {
      const claimed = await database.query(
        `UPDATE async_task_record SET status = 1, attempt = attempt + 1, executor = ?, started_at = CURRENT_TIMESTAMP(3),
         updated_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND status = 0`,
        [executor, job.data.id],
      );
      if (claimed.affectedRows !== 1) return;
      // The task itself: trivial.
      await database.query(
        `UPDATE async_task_record SET status = 2, finished_at = CURRENT_TIMESTAMP(3), updated_at = CURRENT_TIMESTAMP(3)
         WHERE id = ? AND status = 1`,
        [job.data.id],
      );
    },
    { connection, prefix: settings.prefix, concurrency: settings.concurrency },
  );
  await worker.waitUntilReady();
  return {
    report: async () => ({}),
    close: async () => {
      await worker.close();
      await connection.quit();
      await database.destroy();
    },
  };
}
