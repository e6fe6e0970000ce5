/**
 * Every Redis key and channel name the library uses, derived from the cluster's prefix. Private.
 *
 * Laid out for Redis Cluster (one server takes the same keys): a `{hash tag}` decides the slot, so
 * - each task type's BullMQ queue has a tag of its own (`{task.<type>}`): queues spread over masters,
 *   and each queue's keys (and BullMQ's scripts over them) stay in one slot;
 * - the node registry and the failover scan's keys share the `{nodes}` tag: the heartbeat MULTI,
 *   the MGET of heartbeats and the prune script touch them together;
 * - per-task keys (live logs, progress, interrupt flags) have no tag: they spread by their own hash.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Hash tag of the node registry and of the failover scan's keys. */
  static readonly NODES_TAG = 'nodes';

  /** Hash tag of one task type's queue. */
  static queueTag(taskType: string): string {
    return `task.${taskType}`;
  }

  /** BullMQ queue name of a task type (BullMQ adds the prefix itself): its hash tag. */
  queueName(taskType: string): string {
    return `{${RedisKeys.queueTag(taskType)}}`;
  }

  /** Pub/sub channel for cluster events (task exits, interrupts). */
  get eventsChannel(): string {
    return `${this.prefix}:events`;
  }

  private nodesKey(name: string): string {
    return `${this.prefix}:{${RedisKeys.NODES_TAG}}:${name}`;
  }

  /** Set of node ids that have beaten at least once (dead ones are pruned by readers). */
  get nodeIds(): string {
    return this.nodesKey('node-ids');
  }

  /** One node's last heartbeat (JSON); expires after the node timeout, which is what "dead" means. */
  node(nodeId: string): string {
    return this.nodesKey(`node:${nodeId}`);
  }

  /**
   * Exists while the master holding `tag`'s slot has kept our data; its absence means that master
   * restarted empty (or was flushed). One per tag: on a Cluster one master can lose its data alone.
   */
  dataSentinel(tag: string): string {
    return `${this.prefix}:{${tag}}:sentinel`;
  }

  /** While it exists, dead-node detection waits (nodes are re-registering after Redis lost data). */
  get failoverGrace(): string {
    return this.nodesKey('failover-grace');
  }

  /** When set (epoch ms), a full queue reconciliation is due at that time (after Redis lost data). */
  get reconcileDue(): string {
    return this.nodesKey('reconcile-due');
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
    return this.nodesKey('failover-lock');
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
