import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retries, backoff, timeouts and rerun (issue #13): the submission's policy and the retry bookkeeping
 * on the record, and why each attempt started on its log row.
 */
export class AddTaskRetryPolicy1764600000000 implements MigrationInterface {
  name = 'AddTaskRetryPolicy1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE async_task_record
        ADD COLUMN retries int NULL,
        ADD COLUMN backoff varchar(255) NULL,
        ADD COLUMN timeout_ms int NULL,
        ADD COLUMN retry_count int NOT NULL DEFAULT 0,
        ADD COLUMN start_reason varchar(512) NULL,
        ADD COLUMN start_reason_attempt int NULL`);
    await queryRunner.query('ALTER TABLE async_task_log_record ADD COLUMN start_reason varchar(512) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE async_task_log_record DROP COLUMN start_reason');
    await queryRunner.query(`
      ALTER TABLE async_task_record
        DROP COLUMN retries, DROP COLUMN backoff, DROP COLUMN timeout_ms,
        DROP COLUMN retry_count, DROP COLUMN start_reason, DROP COLUMN start_reason_attempt`);
  }
}
