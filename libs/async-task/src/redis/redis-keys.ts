/** Every Redis key and channel name the library uses, derived from the cluster's prefix. Private. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** BullMQ queue name of a task type (BullMQ adds the prefix itself). */
  queueName(taskType: string): string {
    return `task.${taskType}`;
  }

  /** Pub/sub channel for cluster events (task exits, interrupts). */
  get eventsChannel(): string {
    return `${this.prefix}:events`;
  }

  /** Set of node ids that have beaten at least once (dead ones are pruned by readers). */
  get nodeIds(): string {
    return `${this.prefix}:node-ids`;
  }

  /** One node's last heartbeat (JSON); expires after the node timeout, which is what "dead" means. */
  node(nodeId: string): string {
    return `${this.prefix}:node:${nodeId}`;
  }

  /** Exists while Redis has kept our data; its absence means Redis restarted empty (or was flushed). */
  get dataSentinel(): string {
    return `${this.prefix}:sentinel`;
  }

  /** While it exists, dead-node detection waits (nodes are re-registering after Redis lost data). */
  get failoverGrace(): string {
    return `${this.prefix}:failover-grace`;
  }

  /** When set (epoch ms), a full queue reconciliation is due at that time (after Redis lost data). */
  get reconcileDue(): string {
    return `${this.prefix}:reconcile-due`;
  }

  /** Hash of task type → how many retries (or timeouts) the cluster has had, for metrics. */
  policyCounter(kind: 'retries' | 'timeouts'): string {
    return `${this.prefix}:count:${kind}`;
  }

  /** Marks a user interrupt, for nodes that missed the pub/sub message. */
  interruptFlag(taskId: string): string {
    return `${this.prefix}:interrupt:${taskId}`;
  }

  /** The hash of one BullMQ job (how BullMQ lays out its keys). */
  job(taskType: string, jobId: string): string {
    return `${this.prefix}:${this.queueName(taskType)}:${jobId}`;
  }

  get failoverLock(): string {
    return `${this.prefix}:failover-lock`;
  }

  /** Lets one node at a time run retention. */
  get retentionLock(): string {
    return `${this.prefix}:retention-lock`;
  }

  /** Hash of tasks / logs / batches deleted by retention, for metrics. */
  get prunedCounter(): string {
    return `${this.prefix}:count:pruned`;
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
