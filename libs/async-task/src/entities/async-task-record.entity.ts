import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { AsyncTaskStatus } from '../enums/async-task-status.enum.js';

/**
 * One submitted task: the durable source of truth. Redis only carries what can be rebuilt from it
 * (queue entries, live logs, progress, heartbeats).
 */
@Entity({ name: 'async_task_record' })
@Index('idx_async_task_status_type', ['status', 'taskType'])
@Index('idx_async_task_uid_created', ['uid', 'createdAt'])
@Index('idx_async_task_type_created', ['taskType', 'createdAt'])
@Index('idx_async_task_executor_status', ['executor', 'status'])
@Index('idx_async_task_cluster_status', ['cluster', 'status'])
@Index('idx_async_task_status_finished', ['status', 'finishedAt'])
export class AsyncTaskRecord {
  /** Generated (time-ordered, unique across nodes) or chosen by the caller. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'task_type', type: 'varchar', length: 64 })
  taskType: string;

  /** The task's parameters as given (objects are stored as JSON). */
  @Column({ type: 'mediumtext' })
  params: string;

  @Column({ type: 'tinyint' })
  status: AsyncTaskStatus;

  /** Number of attempts started; every status write is fenced on it. */
  @Column({ type: 'int', default: 0 })
  attempt: number;

  /**
   * How many attempts were lost with their node: killed or crashed (found by the failover scan), or
   * restarted under the same node id. They count against `maxOfflineAttempts`. A graceful hand-over
   * on shutdown (SIGTERM) is not counted: that attempt was stopped cleanly, not lost.
   */
  @Column({ name: 'offline_count', type: 'int', default: 0 })
  offlineCount: number;

  /** CPU budget the task takes while running; one core = 100. */
  @Column({ name: 'cpu_overhead', type: 'int', default: 0 })
  cpuOverhead: number;

  /** Higher runs sooner. */
  @Column({ type: 'int', default: 0 })
  priority: number;

  /** Owner of the task (free-form, e.g. a user id). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  uid: string | null;

  /** Node that runs (or last ran) the task. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  executor: string | null;

  @Column({ name: 'failed_reason', type: 'text', nullable: true })
  failedReason: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** Earliest start for a delayed task; null = as soon as possible. */
  @Column({ name: 'run_after', type: 'datetime', precision: 3, nullable: true })
  runAfter: Date | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;

  /**
   * When `interrupt()` accepted a user interrupt of the running task (it answered `interrupting`);
   * null if none was. Set only while an attempt is RUNNING; from then on the task ends in CANCELLED,
   * even if its `execute()` had already completed its work (the interrupt won the race with the end).
   */
  @Column({ name: 'interrupt_requested_at', type: 'datetime', precision: 3, nullable: true })
  interruptRequestedAt: Date | null;

  /** Retries given at submit; null = the task type's default (see TaskPolicy). */
  @Column({ type: 'int', nullable: true })
  retries: number | null;

  /** Backoff given at submit, as JSON of a BackoffPolicy; null = the task type's default. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  backoff: string | null;

  /** Time limit per attempt given at submit, in ms; null = the task type's default (or none). */
  @Column({ name: 'timeout_ms', type: 'int', nullable: true })
  timeoutMs: number | null;

  /** Failed attempts retried since submit (or the last rerun). */
  @Column({ name: 'retry_count', type: 'int', default: 0 })
  retryCount: number;

  /**
   * Why attempt `startReasonAttempt` starts ("retry 1 of 3 after 1.0 s backoff: …", "rerun"); it goes
   * into that attempt's log header. Another attempt number means the reason is stale (a failover
   * came between).
   */
  @Column({ name: 'start_reason', type: 'varchar', length: 512, nullable: true })
  startReason: string | null;

  @Column({ name: 'start_reason_attempt', type: 'int', nullable: true })
  startReasonAttempt: number | null;

  /**
   * The cluster (its `prefix`) whose nodes queue, fail over and republish this task; clusters may share
   * one database. Null on rows from before version 0.3, until a cluster adopts them.
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  cluster: string | null;
}
