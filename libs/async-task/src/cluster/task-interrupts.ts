import { Injectable } from '@nestjs/common';
import { RedisConnections } from '../redis/redis-connections.js';
import { existsEach } from '../redis/slot-groups.js';
import { ClusterEvents } from './cluster-events.js';

/** Long enough for any failover to finish; the flag is only a fallback for a missed message. */
const INTERRUPT_FLAG_TTL_MS = 60 * 60 * 1000;

/**
 * The interrupt protocol between the node that accepts an interrupt and the node that runs the task,
 * in one place: a flag in Redis (the fallback, read by `flagged()` every heartbeat, so a node that
 * missed the message still stops the task, and so does the next attempt after a failover) and a
 * message to every node (the fast path, delivered to `listen()`).
 */
@Injectable()
export class TaskInterrupts {
  constructor(
    private readonly redis: RedisConnections,
    private readonly events: ClusterEvents,
  ) {}

  /** Sets the task's flag, then tells every node at once. Called once the interrupt is recorded on the task. */
  async request(taskId: string): Promise<void> {
    await this.redis.client.set(this.redis.keys.interruptFlag(taskId), '1', 'PX', INTERRUPT_FLAG_TTL_MS);
    await this.events.publish({ kind: 'interrupt', taskId });
  }

  /** Forgets an earlier interrupt, so its fallback flag cannot reach a new run of the task (a rerun). */
  async clear(taskId: string): Promise<void> {
    await this.redis.client.del(this.redis.keys.interruptFlag(taskId));
  }

  /** Calls `listener` for every interrupt requested on any node; resolves once listening. Returns the unsubscribe function. */
  listen(listener: (taskId: string) => void): Promise<() => void> {
    return this.events.on('interrupt', (event) => listener(event.taskId));
  }

  /**
   * Which of these tasks have an interrupt flag (one round trip; on a Redis Cluster one pipeline per
   * slot, sent together): the poll behind a missed message.
   */
  async flagged(taskIds: string[]): Promise<Set<string>> {
    if (taskIds.length === 0) return new Set();
    const flags = await existsEach(this.redis.client, taskIds.map((taskId) => this.redis.keys.interruptFlag(taskId)));
    return new Set(taskIds.filter((_, i) => flags[i]));
  }
}
