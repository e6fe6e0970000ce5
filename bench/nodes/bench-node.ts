import type { NodeMessage, NodeMode, NodeReport, NodeSettings, ParentMessage } from './node-protocol.js';
import { startAsyncTaskNode } from './async-task.node.js';
import { startGraphileWorkerNode } from './graphile-worker.node.js';
import { startHandWrittenNode } from './hand-written.node.js';
import { startInterruptibleNode } from './interruptible.node.js';
import { startPgBossNode } from './pg-boss.node.js';
import { startRawBullmqNode } from './raw-bullmq.node.js';
import { countRedisCommands, roundTrips } from './round-trip-counter.js';

/**
 * Entry of one worker node process: `node bench-node.js <mode> <settings-json>`, forked by the
 * bench parent. It starts the contender's worker, reports "ready", answers report requests and
 * closes everything on "stop".
 */
export interface RunningNode {
  /** What the mode measures itself; the rest of the report has defaults. */
  report(): Promise<Partial<Pick<NodeReport, 'processed' | 'lastFinishedAt' | 'latenciesMs' | 'marks'>>>;
  close(): Promise<void>;
}

const starters: Record<NodeMode, (settings: NodeSettings) => Promise<RunningNode>> = {
  'raw-bullmq': startRawBullmqNode,
  'hand-written': startHandWrittenNode,
  'async-task': startAsyncTaskNode,
  'async-task-interruptible': startInterruptibleNode,
  'graphile-worker': startGraphileWorkerNode,
  'pg-boss': startPgBossNode,
};

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function main(): Promise<void> {
  const mode = process.argv[2] as NodeMode;
  const settings = JSON.parse(process.argv[3]) as NodeSettings;
  const start = starters[mode];
  if (!start) throw new Error(`Unknown bench node mode "${mode}"`);
  countRedisCommands();
  const node = await start(settings);
  const report = async (): Promise<NodeReport> => ({
    rssBytes: process.memoryUsage().rss,
    cpuMs: cpuMs(),
    ...roundTrips,
    processed: 0,
    lastFinishedAt: 0,
    latenciesMs: [],
    marks: {},
    ...(await node.report()),
  });
  const send = (message: NodeMessage) => process.send!(message);
  process.on('message', async (message: ParentMessage) => {
    if (message.kind === 'report') send({ kind: 'report', report: await report() });
    if (message.kind === 'stop') {
      await node.close();
      process.disconnect();
    }
  });
  send({ kind: 'ready', report: await report() });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
