import { Logger, run } from 'graphile-worker';
import type { RunningNode } from './bench-node.js';
import { PEER_TASK, type NodeSettings } from './node-protocol.js';

/** Only errors reach stderr: a job line per task would cost more than the job. */
const quietLogger = new Logger(() => (level, message) => {
  if (level === 'error') console.error(`graphile-worker: ${message}`);
});

/**
 * Peer: a graphile-worker runner whose no-op job counts itself, configured per its performance docs
 * for many short jobs: `concurrency` jobs at once, a pool of concurrency + 2, a local queue of
 * concurrency + 1 (jobs fetched and locked in batches), completions and failures written at once in
 * batches (delay 0). It installs its schema in the run's PostgreSQL database when it starts. It
 * deletes a job once done, so the node counts what it ran.
 */
export async function startGraphileWorkerNode(settings: NodeSettings): Promise<RunningNode> {
  let processed = 0;
  let lastFinishedAt = 0;
  const latenciesMs: number[] = [];
  const runner = await run({
    connectionString: settings.databaseUrl,
    concurrency: settings.concurrency,
    maxPoolSize: settings.concurrency + 2,
    noHandleSignals: true,
    logger: quietLogger,
    taskList: {
      [PEER_TASK]: async (payload, helpers) => {
        if ((payload as { name?: string }).name === 'latency') latenciesMs.push(Date.now() - helpers.job.created_at.getTime());
        processed++;
        lastFinishedAt = Date.now();
      },
    },
    preset: {
      worker: {
        localQueue: { size: settings.concurrency + 1 },
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
  });
  return {
    report: async () => ({ processed, lastFinishedAt, latenciesMs }),
    close: () => runner.stop(),
  };
}
