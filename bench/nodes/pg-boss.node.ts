import { type JobWithMetadata, PgBoss } from 'pg-boss';
import type { RunningNode } from './bench-node.js';
import { PEER_TASK, type NodeSettings } from './node-protocol.js';

/**
 * Peer: a pg-boss worker whose no-op jobs count themselves, configured per its docs for many short
 * jobs: LISTEN/NOTIFY on (the queue is created with `notify`), one worker fetching batches of
 * `concurrency` jobs and fetching again at once while batches come back full, a 0.5 s polling floor,
 * a pool of concurrency + 2. It installs its schema and creates the queue when it starts; completed
 * jobs stay in its table (until its retention deletes them), as our records do.
 */
export async function startPgBossNode(settings: NodeSettings): Promise<RunningNode> {
  let processed = 0;
  let lastFinishedAt = 0;
  const latenciesMs: number[] = [];
  const boss = new PgBoss({ connectionString: settings.databaseUrl, max: settings.concurrency + 2, useListenNotify: true, schedule: false });
  boss.on('error', (error) => console.error('pg-boss:', error));
  await boss.start();
  await boss.createQueue(PEER_TASK, { notify: true });
  await boss.work(
    PEER_TASK,
    { batchSize: settings.concurrency, localConcurrency: 1, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5, includeMetadata: true },
    async (jobs: Array<JobWithMetadata<{ name: string }>>) => {
      const now = Date.now();
      for (const job of jobs) {
        if (job.data.name === 'latency') latenciesMs.push(now - new Date(job.createdOn).getTime());
      }
      processed += jobs.length;
      lastFinishedAt = now;
    },
  );
  return {
    report: async () => ({ processed, lastFinishedAt, latenciesMs }),
    close: () => boss.stop({ graceful: true }),
  };
}
