/** Every Redis key and channel name the library uses, derived from the cluster's prefix. Private. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** BullMQ queue name of a task type (BullMQ adds the prefix itself). */
  queueName(taskType: string): string {
    return `task.${taskType}`;
  }

  /** Set of every task type ever submitted, so scans know which queues exist. */
  get taskTypes(): string {
    return `${this.prefix}:task-types`;
  }

  /** Pub/sub channel for cluster events (task exits, interrupts). */
  get eventsChannel(): string {
    return `${this.prefix}:events`;
  }

  /** Hash node id → last heartbeat (JSON). */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }

  get failoverLock(): string {
    return `${this.prefix}:failover-lock`;
  }

  /** Live log lines of one attempt. */
  liveLog(taskId: string, attempt: number): string {
    return `${this.prefix}:log:${taskId}:${attempt}`;
  }

  progress(taskId: string): string {
    return `${this.prefix}:progress:${taskId}`;
  }
}

/** BullMQ job id of one attempt's queue entry; attempts never share one, republishing is idempotent. */
export function jobIdOf(taskId: string, attempt: number): string {
  return `${taskId}-a${attempt}`;
}
