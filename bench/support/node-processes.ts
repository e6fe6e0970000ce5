import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { NodeMessage, NodeMode, NodeReport, NodeSettings } from '../nodes/node-protocol.js';

const NODE_ENTRY = fileURLToPath(new URL('../nodes/bench-node.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** One forked worker node process and the report it sent when it became ready. */
export class NodeProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly readyReport: NodeReport,
  ) {}

  /** Forks a node and resolves once it is ready to work (workers listening). */
  static async start(mode: NodeMode, settings: NodeSettings): Promise<NodeProcess> {
    const child = fork(NODE_ENTRY, [mode, JSON.stringify(settings)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await firstMessage(child, 'ready', START_TIMEOUT_MS);
    return new NodeProcess(child, ready.report);
  }

  /** The process id (part of the library's default node id, `<host>-<pid>-<random>`). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** kill -9: the node dies at once, mid-task. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  async report(): Promise<NodeReport> {
    const reply = firstMessage(this.child, 'report', START_TIMEOUT_MS);
    this.child.send({ kind: 'report' });
    return (await reply).report;
  }

  /** Asks the node to close gracefully; kills it if it has not exited in time. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send({ kind: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

function firstMessage<K extends NodeMessage['kind']>(child: ChildProcess, kind: K, timeoutMs: number): Promise<Extract<NodeMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`Bench node sent no "${kind}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: NodeMessage) => {
      if (message.kind === kind) finish(undefined, message as Extract<NodeMessage, { kind: K }>);
    };
    const onExit = (code: number | null) => finish(new Error(`Bench node exited with code ${code} before "${kind}"`));
    const finish = (error?: Error, message?: Extract<NodeMessage, { kind: K }>) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
