import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { FactoryRegistry } from '../factories/factory-registry.js';
import type { AsyncTaskNodeInfo } from '../interfaces/async-task-node-info.interface.js';
import { RedisKeys } from '../redis/redis-keys.js';
import { OperationTimeoutError, withTimeout } from '../util/with-timeout.js';
import { ThreadConnectionBridge } from '../redis/thread-connection.js';

const FIRST_BEAT_TIMEOUT_MS = 10_000;

/** What this node runs now, as its heartbeat tells the cluster. */
export interface NodeWorkload {
  /** Sum of the running tasks' cpuOverhead. */
  load: number;
  runningTasks: string[];
}

/**
 * Keeps this node registered as alive. The beating itself happens in a worker thread
 * (src/node-heartbeat.thread.cjs) so busy JavaScript tasks cannot starve it; the main thread only
 * posts fresh figures (load, running tasks, read from `workload` given to start()) to it.
 */
@Injectable()
export class NodeHeartbeat {
  private readonly logger = new Logger(NodeHeartbeat.name);
  private thread: Worker | undefined;
  private bridge: ThreadConnectionBridge | undefined;
  private stateTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private workload: () => NodeWorkload = () => ({ load: 0, runningTasks: [] });

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly registry: FactoryRegistry,
  ) {}

  /** Starts beating; resolves after the first beat reached Redis, so scans see this node before it claims. */
  async start(workload: () => NodeWorkload): Promise<void> {
    this.workload = workload;
    const keys = new RedisKeys(this.options.prefix);
    const bridge = new ThreadConnectionBridge(this.options.redis);
    this.bridge = bridge;
    // The thread's file sits at the root of the package's sources (and of dist/, where the published
    // layout has always had it), as plain CommonJS that tsc does not compile.
    const thread = new Worker(new URL('../node-heartbeat.thread.cjs', import.meta.url), {
      workerData: {
        ioredisPath: createRequire(import.meta.url).resolve('ioredis'),
        connection: bridge.connection,
        functionPort: bridge.threadPort,
        signal: bridge.signal,
        nodeKey: keys.node(this.options.nodeId),
        nodeIdsKey: keys.nodeIds,
        nodeId: this.options.nodeId,
        intervalMs: this.options.heartbeatIntervalMs,
        ttlMs: this.options.nodeTimeoutMs,
        state: this.state(),
      },
      transferList: [bridge.threadPort],
    });
    thread.unref();
    this.thread = thread;
    let lastError = '';
    thread.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'error' && message.message !== lastError) {
        lastError = message.message ?? '';
        this.logger.warn(`Heartbeat failed: ${lastError}`);
      } else if (message.type === 'beat') {
        lastError = '';
      }
    });
    thread.on('error', (error) => this.logger.error(`Heartbeat thread crashed: ${error.message}`));
    this.stateTimer = setInterval(() => thread.postMessage({ type: 'state', state: this.state() }), this.options.heartbeatIntervalMs);
    this.stateTimer.unref();
    await this.nextMessage('beat', FIRST_BEAT_TIMEOUT_MS);
  }

  /** Deregisters and stops the thread; call after running tasks were drained or handed over. */
  async stop(): Promise<void> {
    clearInterval(this.stateTimer);
    const thread = this.thread;
    this.thread = undefined;
    if (!thread) return;
    thread.postMessage({ type: 'stop' });
    try {
      await this.nextMessage('stopped', 3000, thread);
    } catch {
      this.logger.warn('Heartbeat thread did not stop in time; its key expires by itself');
    }
    await thread.terminate();
    this.bridge?.close();
    this.bridge = undefined;
  }

  private state(): Omit<AsyncTaskNodeInfo, 'lastHeartbeat'> {
    return {
      nodeId: this.options.nodeId,
      host: hostname(),
      pid: process.pid,
      worker: this.options.worker,
      ...this.workload(),
      maxLoad: this.options.maxLoad,
      taskTypes: this.options.worker ? this.registry.taskTypes() : [],
      startedAt: this.startedAt,
    };
  }

  private async nextMessage(type: string, timeoutMs: number, thread = this.thread!): Promise<void> {
    let onMessage: (message: { type: string }) => void = () => {};
    const received = new Promise<void>((resolve) => {
      onMessage = (message) => {
        if (message.type === type) resolve();
      };
      thread.on('message', onMessage);
    });
    try {
      await withTimeout(received, timeoutMs, `Heartbeat "${type}"`);
    } catch (error) {
      if (error instanceof OperationTimeoutError) throw new Error(`No heartbeat "${type}" within ${timeoutMs} ms: is Redis reachable?`);
      throw error;
    } finally {
      thread.off('message', onMessage);
    }
  }
}
