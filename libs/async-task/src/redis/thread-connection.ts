import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Cluster, Redis } from 'ioredis';
import { isCluster } from './redis-client.factory.js';
import type { AsyncTaskRedisOption } from '../interfaces/async-task-redis-option.interface.js';
import { isClusterOption, isSentinelUrl, parseSentinelUrl } from '../config/redis-option.js';

/** How a worker thread opens its own connection to the configured Redis (see node-heartbeat.thread.cjs). */
export type ThreadConnection =
  | { kind: 'url'; url: string }
  | { kind: 'options'; options: object }
  | { kind: 'cluster'; nodes: unknown[]; options: object };

/** What stands for a function in options sent to a thread: the thread calls it back by `id`. */
export interface FunctionMarker {
  asyncTaskFunction: number;
  path: string;
}

/**
 * The `redis` option made ready for a worker thread, which can receive data but no function: each
 * function in the options (retryStrategy, sentinelRetryStrategy, natMap, reconnectOnError…) becomes
 * a marker, and the thread calls the original here, on the main thread, through `port` (the thread
 * waits for the answer; these run on reconnects, not per command). A factory is called once for a
 * connection whose options are taken (and the connection closed).
 */
export class ThreadConnectionBridge {
  readonly connection: ThreadConnection;
  /** Shared with the thread: set to 1 when an answer was posted. */
  readonly signal = new Int32Array(new SharedArrayBuffer(4));
  readonly threadPort: MessagePort;
  private readonly port: MessagePort;
  private readonly functions: Array<(...args: unknown[]) => unknown> = [];

  constructor(option: AsyncTaskRedisOption) {
    this.connection = this.describe(option);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.threadPort = port2;
    this.port.on('message', (call: { id: number; seq: number; args: unknown[] }) => this.answer(call));
    this.port.unref();
  }

  close(): void {
    this.port.close();
  }

  private describe(option: AsyncTaskRedisOption): ThreadConnection {
    if (typeof option === 'function') return this.describeInstance(option('heartbeat'));
    if (typeof option === 'string') {
      return isSentinelUrl(option) ? { kind: 'options', options: this.mark(parseSentinelUrl(option), 'redis') } : { kind: 'url', url: option };
    }
    if (isClusterOption(option)) return { kind: 'cluster', nodes: option.cluster, options: this.mark(option.options ?? {}, 'redis.options') };
    return { kind: 'options', options: this.mark(option, 'redis') };
  }

  /** A factory's connection: its options (ioredis keeps what it was made with), then it is closed. */
  private describeInstance(instance: Redis | Cluster): ThreadConnection {
    try {
      if (isCluster(instance)) {
        const { startupNodes } = instance as unknown as { startupNodes: unknown[] };
        // dns.lookup is ioredis' default and takes a callback: the thread's own default is the same.
        const { dnsLookup: _dnsLookup, ...options } = instance.options;
        return { kind: 'cluster', nodes: startupNodes, options: this.mark(options, 'factory') };
      }
      // Connector is ioredis' internal class for the connection kind; the thread picks its own.
      const { Connector: _connector, ...options } = instance.options as typeof instance.options & { Connector?: unknown };
      return { kind: 'options', options: this.mark(options, 'factory') };
    } finally {
      instance.disconnect();
    }
  }

  /** A copy of `value` where every function is replaced by a marker (plain objects and arrays are walked). */
  private mark(value: unknown, path: string): any {
    if (typeof value === 'function') {
      this.functions.push(value as (...args: unknown[]) => unknown);
      return { asyncTaskFunction: this.functions.length - 1, path } satisfies FunctionMarker;
    }
    if (Array.isArray(value)) return value.map((item, i) => this.mark(item, `${path}[${i}]`));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.mark(item, `${path}.${key}`)]));
    }
    return value;
  }

  private answer({ id, seq, args }: { id: number; seq: number; args: unknown[] }): void {
    try {
      this.port.postMessage({ seq, value: this.functions[id](...args) });
    } catch (error) {
      // The function threw, or returned what cannot cross to a thread.
      this.port.postMessage({ seq, error: (error as Error).message });
    }
    Atomics.store(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }
}
