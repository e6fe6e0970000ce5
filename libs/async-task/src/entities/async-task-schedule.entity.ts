import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** bigint columns come back from mysql2 as strings; every value here fits a JS number exactly. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * A recurring schedule: its definition (cron or fixed interval, the task it submits) and where it
 * stands (the next due time, the last tick that made a task). Every node reads the same row, so the
 * cluster agrees on it; a tick's task id derives from (schedule id, due time).
 */
@Entity({ name: 'async_task_schedule' })
@Index('idx_async_task_schedule_next_due', ['nextDueAt'])
export class AsyncTaskSchedule {
  /** Chosen by the user: letters, digits, `_`, `-`; at most 40 characters. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  /** Cron expression (5 fields, or 6 with seconds first); null for an `everyMs` schedule. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  cron: string | null;

  /** Fixed interval in ms, ticks aligned on multiples of it since the Unix epoch; null for a cron schedule. */
  @Column({ name: 'every_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  everyMs: number | null;

  /** IANA time zone the cron expression is read in. */
  @Column({ type: 'varchar', length: 64 })
  timezone: string;

  @Column({ name: 'task_type', type: 'varchar', length: 64 })
  taskType: string;

  /** Name of every task it submits. */
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'mediumtext' })
  params: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  uid: string | null;

  @Column({ name: 'cpu_overhead', type: 'int', default: 0 })
  cpuOverhead: number;

  @Column({ type: 'int', default: 0 })
  priority: number;

  @Column({ type: 'int', nullable: true })
  retries: number | null;

  /** BackoffPolicy as JSON; null = the task type's default. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  backoff: string | null;

  @Column({ name: 'timeout_ms', type: 'int', nullable: true })
  timeoutMs: number | null;

  /** Ticks missed while no node was up: `none` drops them, `last` runs the latest one once. */
  @Column({ name: 'catch_up', type: 'varchar', length: 8 })
  catchUp: 'none' | 'last';

  /** A tick while the previous run has not ended: `skip` drops it, `allow` runs it alongside. */
  @Column({ type: 'varchar', length: 8 })
  overlap: 'skip' | 'allow';

  /** The next tick to fire. */
  @Column({ name: 'next_due_at', type: 'datetime', precision: 3 })
  nextDueAt: Date;

  /** Due time of the last tick that submitted a task; null before the first. */
  @Column({ name: 'last_due_at', type: 'datetime', precision: 3, nullable: true })
  lastDueAt: Date | null;

  /** The task that tick submitted. */
  @Column({ name: 'last_task_id', type: 'varchar', length: 64, nullable: true })
  lastTaskId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
