import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AsyncTaskRedisOption, SubmitAsyncTaskInput } from '@sfc/async-task';

const ENTRY = fileURLToPath(new URL('../../dist/test/cluster-node/main.js', import.meta.url));

export interface ClusterNodeSettings {
  mysqlUrl: string;
  /** A URL or plain data (a cluster node list, Sentinel options): it reaches the process as JSON. */
  redis: AsyncTaskRedisOption;
  prefix: string;
  options?: Record<string, unknown>;
}

/** A cluster node running as a real process (the compiled test/cluster-node/main.ts), killable for real. */
export class ClusterProcess {
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output = '';

  private constructor(readonly nodeId: string, settings: ClusterNodeSettings) {
    this.child = fork(ENTRY, [], {
      env: {
        ...process.env,
        CLUSTER_MYSQL_URL: settings.mysqlUrl,
        CLUSTER_REDIS: JSON.stringify(settings.redis),
        CLUSTER_PREFIX: settings.prefix,
        CLUSTER_NODE_ID: nodeId,
        CLUSTER_OPTIONS: JSON.stringify(settings.options ?? {}),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
  }

  /** Starts a node and resolves once it is receiving tasks. */
  static async start(nodeId: string, settings: ClusterNodeSettings, timeoutMs = 30_000): Promise<ClusterProcess> {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first (npm test does)`);
    const node = new ClusterProcess(nodeId, settings);
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      node.child.on('message', (message: { type?: string }) => message.type === 'ready' && resolve());
      void node.exited.then((code) => reject(new Error(`node ${nodeId} exited (${code}) before ready:\n${node.output}`)));
      timer = setTimeout(() => reject(new Error(`node ${nodeId} not ready in ${timeoutMs} ms:\n${node.output}`)), timeoutMs);
    });
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
    return node;
  }

  /** Submits a task through this node's own manager (its queues, its Redis connections); resolves with the id. */
  submit(input: SubmitAsyncTaskInput): Promise<string> {
    const requestId = ++this.requests;
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type?: string; requestId?: number; id?: string; error?: string }) => {
        if (message.type !== 'submitted' || message.requestId !== requestId) return;
        this.child.off('message', onMessage);
        if (message.error) reject(new Error(message.error));
        else resolve(message.id!);
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'submit', requestId, input });
    });
  }

  /**
   * Submits tasks in one submitAsyncTasks() call of this node: one answer per task ({id} or {error}).
   * Rejects if the node dies before it answers (the caller then knows nothing of any task).
   */
  submitBulk(inputs: SubmitAsyncTaskInput[]): Promise<Array<{ id?: string; error?: string }>> {
    const requestId = ++this.requests;
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type?: string; requestId?: number; answers?: Array<{ id?: string; error?: string }>; error?: string }) => {
        if (message.type !== 'submitted-bulk' || message.requestId !== requestId) return;
        this.child.off('message', onMessage);
        if (message.error) reject(new Error(message.error));
        else resolve(message.answers!);
      };
      this.child.on('message', onMessage);
      void this.exited.then((code) => reject(new Error(`node ${this.nodeId} exited (${code ?? 'killed'}) before it answered`)));
      this.child.send({ type: 'submit-bulk', requestId, inputs });
    });
  }

  /** This node's answer to listSchedules() (dates as ISO strings, as they cross IPC). */
  listSchedules(): Promise<Array<Record<string, unknown>>> {
    const requestId = ++this.requests;
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type?: string; requestId?: number; schedules?: Array<Record<string, unknown>>; error?: string }) => {
        if (message.type !== 'schedules' || message.requestId !== requestId) return;
        this.child.off('message', onMessage);
        if (message.error) reject(new Error(message.error));
        else resolve(message.schedules!);
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'listSchedules', requestId });
    });
  }

  private requests = 0;

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** kill -9: the process dies at once, mid-task, with no chance to clean up. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful shutdown, as a process manager does it; resolves with the exit code. */
  async terminate(): Promise<number | null> {
    if (this.alive) this.child.kill('SIGTERM');
    return this.exited;
  }
}
