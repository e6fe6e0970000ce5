import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS, AsyncTaskStatus } from './async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { ClusterEvents } from './cluster-events.js';
import { FailoverLock } from './failover.lock.js';
import { QueueReconciler, SETTLE_MS } from './failover.reconciler.js';
import { messages } from './async-task.messages.js';
import { NodeRegistry } from './node-registry.js';
import { RedisConnections } from './redis-connections.js';
import { withTimeout } from './retry-transient.js';
import { subjectOf } from './task-event-subject.js';
import { LiveLogArchiver } from './task-log/live-log.archiver.js';
import { TaskHandover } from './task-handover.js';
import { TaskRecordStore } from './task-record.store.js';

/** A scan stuck on a lost database answer must not stop this node from scanning ever again. */
const SCAN_TIMEOUT_MS = 30_000;
/** Even without a sign of data loss, compare MySQL with the queues this often. */
const RECONCILE_EVERY_MS = 60_000;

/**
 * The periodic failover scan, run by one node at a time (a lock): RUNNING tasks of dead nodes go
 * 1 → 5 → 0 (or to FAILED after too many lost attempts) and their partial logs are saved from the
 * live stream, tasks stuck in 5 are requeued, and WAITING tasks missing from the queues are
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
    private readonly events: ClusterEvents,
    private readonly archiver: LiveLogArchiver,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.scanning ??= withTimeout(this.scanOnce(), SCAN_TIMEOUT_MS, 'Failover scan')
        .catch((error) => this.logger.error(`Failover scan failed: ${(error as Error).message}`))
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
    const owner = this.options.nodeId;
    const { client, keys } = this.redis;
    // The sentinel is gone only if Redis lost our data: nodes are re-registering, so give them a node
    // timeout before judging anyone dead, and put every waiting task back in its queue now.
    const redisLostData = (await client.set(keys.dataSentinel, owner, 'NX')) === 'OK';
    if (redisLostData) {
      await client.set(keys.failoverGrace, '1', 'PX', this.options.nodeTimeoutMs);
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

  private async failOverDeadNodes(): Promise<void> {
    const running = await this.records.findRunning();
    if (running.length === 0) return;
    const alive = await this.nodes.aliveAmong([...new Set(running.map((task) => task.executor ?? ''))]);
    for (const task of running) {
      if (alive.has(task.executor ?? '')) continue;
      if (task.offlineCount + 1 >= this.options.maxOfflineAttempts) {
        const reason = messages.tooManyOfflineAttempts(task.offlineCount + 1, task.executor ?? 'unknown');
        if (await this.records.failLost(task.id, task.attempt, reason)) {
          this.logger.warn(`Task ${task.id} failed: ${reason}`);
          await this.archiver.archive(task.id, task.attempt, task.executor);
          await this.events.publish({ kind: 'exit', status: AsyncTaskStatus.FAILED, ...subjectOf(task.id, task) });
        }
      } else if (await this.handover.handOver(task, true)) {
        this.logger.warn(`Task ${task.id} attempt ${task.attempt} was running on dead node ${task.executor}; requeued`);
        await this.archiver.archive(task.id, task.attempt, task.executor);
      }
    }
  }

  private async requeueStrandedOffline(): Promise<void> {
    for (const task of await this.records.findOffline()) await this.handover.requeue(task);
  }
}
