import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AsyncTaskStatus } from './async-task.constants.js';
import { RedisConnections } from './redis-connections.js';

/** Messages every node of the cluster receives. */
export type ClusterEvent =
  | { kind: 'exit'; taskId: string; status: AsyncTaskStatus }
  | { kind: 'interrupt'; taskId: string };

/**
 * Redis pub/sub between nodes: one subscriber connection per node, fanned out locally.
 * Listeners get events published by any node, this one included.
 */
@Injectable()
export class ClusterEvents {
  private readonly logger = new Logger(ClusterEvents.name);
  private readonly local = new EventEmitter().setMaxListeners(0);
  private subscriber: Redis | undefined;
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
      const event = JSON.parse(message) as ClusterEvent;
      this.local.emit(event.kind, event);
    } catch (error) {
      this.logger.warn(`Ignored malformed cluster event: ${String(error)}`);
    }
  }

  async publish(event: ClusterEvent): Promise<void> {
    await this.redis.client.publish(this.redis.keys.eventsChannel, JSON.stringify(event));
  }

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
