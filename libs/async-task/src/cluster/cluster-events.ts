import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';
import { RedisConnections } from '../redis/redis-connections.js';
import type { AsyncTaskEvent } from '../interfaces/async-task-event.interface.js';
import type { RedisClient } from '../interfaces/async-task-redis-option.interface.js';

/** Messages every node of the cluster receives; a node's progress samples of one second travel together. */
export type ClusterEvent =
  | Extract<AsyncTaskEvent, { kind: 'exit' }>
  | Extract<AsyncTaskEvent, { kind: 'retry' }>
  | { kind: 'progress'; samples: Array<Omit<Extract<AsyncTaskEvent, { kind: 'progress' }>, 'kind'>> }
  | { kind: 'interrupt'; taskId: string };

/** How long exit events wait for company before they are published together. */
const PUBLISH_WINDOW_MS = 5;

/**
 * Redis pub/sub between nodes: one subscriber connection per node, fanned out locally.
 * Listeners get events published by any node, this one included.
 */
@Injectable()
export class ClusterEvents {
  private readonly logger = new Logger(ClusterEvents.name);
  private readonly local = new EventEmitter().setMaxListeners(0);
  private subscriber: RedisClient | undefined;
  private subscribed: Promise<unknown> | undefined;

  constructor(private readonly redis: RedisConnections) {}

  /** Subscribes on first use, so nodes that never listen hold no subscriber connection. */
  private ensureSubscribed(): Promise<unknown> {
    if (!this.subscribed) {
      const channel = this.redis.keys.eventsChannel;
      this.subscriber = this.redis.open('events');
      this.subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
      this.subscribed = this.subscriber.subscribe(channel);
    }
    return this.subscribed;
  }

  private dispatch(message: string): void {
    try {
      // One message may carry several events (see publish).
      const parsed = JSON.parse(message) as ClusterEvent | ClusterEvent[];
      for (const event of Array.isArray(parsed) ? parsed : [parsed]) this.local.emit(event.kind, event);
    } catch (error) {
      this.logger.warn(`Ignored malformed cluster event: ${String(error)}`);
    }
  }

  /**
   * Publishes an event to every node. Events published within PUBLISH_WINDOW_MS travel in one message:
   * a busy node ending many short tasks pays one round trip per window, not one per task. Interrupts
   * go out at once (their latency is the point).
   */
  publish(event: ClusterEvent): Promise<void> {
    this.outgoing.push(event);
    const windowMs = event.kind === 'interrupt' ? 0 : PUBLISH_WINDOW_MS;
    if (!this.batch) {
      let settle!: { resolve: () => void; reject: (error: unknown) => void };
      const sent = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      this.batch = { sent, settle, timer: setTimeout(() => this.sendBatch(), windowMs) };
    } else if (windowMs === 0) {
      clearTimeout(this.batch.timer);
      this.batch.timer = setTimeout(() => this.sendBatch(), 0);
    }
    return this.batch.sent;
  }

  private sendBatch(): void {
    const batch = this.batch!;
    this.batch = undefined;
    const events = this.outgoing.splice(0);
    const message = JSON.stringify(events.length === 1 ? events[0] : events);
    this.redis.client.publish(this.redis.keys.eventsChannel, message).then(() => batch.settle.resolve(), batch.settle.reject);
  }

  private batch:
    | { sent: Promise<void>; settle: { resolve: () => void; reject: (error: unknown) => void }; timer: NodeJS.Timeout }
    | undefined;

  private outgoing: ClusterEvent[] = [];

  /** Listen for one kind of event; resolves once the subscription is live. Returns the unsubscribe function. */
  async on<K extends ClusterEvent['kind']>(
    kind: K,
    listener: (event: Extract<ClusterEvent, { kind: K }>) => void,
  ): Promise<() => void> {
    this.local.on(kind, listener);
    await this.ensureSubscribed();
    return () => this.local.off(kind, listener);
  }
}
