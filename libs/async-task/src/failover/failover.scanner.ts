import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { messages } from '../async-task.messages.js';
import { FailoverLock } from './failover.lock.js';
import { QueueReconciler, SETTLE_MS } from './queue.reconciler.js';
import { NodeRegistry } from '../cluster/node-registry.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { withTimeout } from '../util/with-timeout.js';
import { RedisKeys } from '../redis/redis-keys.js';
import { LostAttemptRecovery } from './lost-attempt.recovery.js';
import { TaskHandover } from './task-handover.js';
import { TaskRecordStore } from '../persistence/task-record.store.js';
import { describeError } from '../util/describe-error.js';

/** A scan stuck on a lost database answer must not stop this node from scanning ever again. */
const SCAN_TIMEOUT_MS = 30_000;
/** Even without a sign of data loss, compare MySQL with the queues this often. */
const RECONCILE_EVERY_MS = 60_000;

/**
 * The periodic failover scan, run by one node at a time (a lock): RUNNING tasks of dead nodes go
 * RUNNING → OFFLINE → WAITING (or to FAILED after too many lost attempts) and their partial logs are saved from the
 * live stream, tasks stuck in OFFLINE are requeued, and WAITING tasks missing from the queues are
 * republished — at once when Redis is seen to have lost its data.
 */
@Injectable()
export class FailoverScanner {
  private readonly logger = new Logger(FailoverScanner.name);
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private lastReconcile = 0;

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly redis: RedisConnections,
    private readonly lock: FailoverLock,
    private readonly nodes: NodeRegistry,
    private readonly records: TaskRecordStore,
    private readonly handover: TaskHandover,
    private readonly reconciler: QueueReconciler,
    private readonly lostAttempts: LostAttemptRecovery,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.scanning ??= withTimeout(this.scanOnce(), SCAN_TIMEOUT_MS, 'Failover scan')
        .catch((error) => this.logger.error(`Failover scan failed: ${describeError(error)}`))
        .finally(() => (this.scanning = undefined));
    }, this.options.failoverIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning;
  }

  /** One scan, if this node gets the lock (held for 3 scan intervals, at least a second, renewed while scanning). */
  async scanOnce(): Promise<void> {
    const ttlMs = Math.max(1000, 3 * this.options.failoverIntervalMs);
    await this.lock.runExclusively(this.options.nodeId, ttlMs, () => this.scanLocked());
  }

  private async scanLocked(): Promise<void> {
    const { client, keys } = this.redis;
    const taskTypes = [...new Set((await this.nodes.listNodes()).flatMap((node) => node.taskTypes))];
    const adopted = await this.records.adoptLegacy(taskTypes);
    if (adopted > 0) this.logger.log(messages.legacyTasksAdopted(adopted));
    const lostTags = await this.tagsThatLostData(taskTypes);
    const redisLostData = lostTags.length > 0;
    // The registry's master lost it: nodes are re-registering, so give them a node timeout before
    // judging anyone dead. Any tag lost: put every waiting task back in its queue now.
    if (lostTags.includes(RedisKeys.NODES_TAG)) await client.set(keys.failoverGrace, '1', 'PX', this.options.nodeTimeoutMs);
    if (redisLostData) {
      // Tasks submitted just before the loss are too fresh for this scan's reconciliation: look again once they settle.
      await client.set(keys.reconcileDue, String(Date.now() + SETTLE_MS));
    }
    if (!(await client.exists(keys.failoverGrace))) await this.failOverDeadNodes();
    await this.requeueStrandedOffline();
    const due = Number(await client.get(keys.reconcileDue));
    const settledAfterLoss = due > 0 && Date.now() >= due;
    if (redisLostData || settledAfterLoss || Date.now() - this.lastReconcile > RECONCILE_EVERY_MS) {
      await this.reconciler.republishMissing();
      this.lastReconcile = Date.now();
      if (settledAfterLoss) await client.del(keys.reconcileDue);
    }
  }

  /**
   * Hash tags whose data sentinel was missing (now set again): the master holding that slot restarted
   * empty or was flushed. Checked per tag — the registry's and each queue of a type live nodes run — since
   * on a Redis Cluster one master can lose its data while the others keep theirs.
   */
  private async tagsThatLostData(taskTypes: string[]): Promise<string[]> {
    const { client, keys } = this.redis;
    const tags = [RedisKeys.NODES_TAG, ...taskTypes.map((type) => RedisKeys.queueTag(type))];
    const set = await Promise.all(tags.map((tag) => client.set(keys.dataSentinel(tag), this.options.nodeId, 'NX')));
    return tags.filter((_, i) => set[i] === 'OK');
  }

  private async failOverDeadNodes(): Promise<void> {
    const running = await this.records.findRunning();
    if (running.length === 0) return;
    const alive = await this.nodes.aliveAmong([...new Set(running.map((task) => task.executor ?? ''))]);
    for (const task of running) {
      if (alive.has(task.executor ?? '')) continue;
      await this.lostAttempts.recover(task, `its node ${task.executor} stopped beating`);
    }
  }

  private async requeueStrandedOffline(): Promise<void> {
    for (const task of await this.records.findOffline()) await this.handover.requeue(task);
  }
}
