import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The log of one attempt of a task, saved when the attempt ends (any final state, or failover). */
@Entity({ name: 'async_task_log_record' })
@Index('uq_async_task_log_task_attempt', ['taskId', 'attempt'], { unique: true })
export class AsyncTaskLogRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'task_id', type: 'varchar', length: 64 })
  taskId: string;

  @Column({ type: 'int' })
  attempt: number;

  /** Node that ran the attempt. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  executor: string | null;

  /** The attempt's log text, capped per attempt (the cap's marker line is part of it). */
  @Column({ type: 'mediumtext' })
  log: string;

  @Column({ type: 'boolean', default: false })
  truncated: boolean;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3 })
  finishedAt: Date;

  /** Why the attempt started ("retry 1 of 3 after 1.0 s backoff: …", "rerun", "after failover"); null for a first run. */
  @Column({ name: 'start_reason', type: 'varchar', length: 512, nullable: true })
  startReason: string | null;
}
