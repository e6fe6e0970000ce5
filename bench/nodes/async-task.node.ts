import type { RunningNode } from './bench-node.js';
import { startAsyncTaskContext } from './async-task-context.js';
import type { NodeSettings } from './node-protocol.js';
import { NoopTaskFactory } from './noop-task.factory.js';
import { sqlQueryCounter } from './round-trip-counter.js';

/**
 * Contender 3, us: a worker node of @sfc/async-task with the no-op factory. Its budget admits
 * `concurrency` tasks of cpuOverhead 100 at once, the same concurrency the baselines get.
 * Status and timings are read from MySQL by the parent.
 */
export async function startAsyncTaskNode(settings: NodeSettings): Promise<RunningNode> {
  const app = await startAsyncTaskContext(
    settings.databaseUrl,
    { redis: settings.redis ?? settings.redisUrl, prefix: settings.prefix, maxLoad: settings.concurrency * 100 },
    [NoopTaskFactory],
    sqlQueryCounter,
  );
  return {
    report: async () => ({}),
    close: () => app.close(),
  };
}
