import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedules and retention (issue #16): the schedule table, and an index that lets retention find
 * ended tasks by status and age without scanning the table.
 */
export class AddSchedulesAndRetention1764700000000 implements MigrationInterface {
  name = 'AddSchedulesAndRetention1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE async_task_schedule (
        id varchar(40) NOT NULL,
        cron varchar(255) NULL,
        every_ms bigint NULL,
        timezone varchar(64) NOT NULL,
        task_type varchar(64) NOT NULL,
        name varchar(255) NOT NULL,
        params mediumtext NOT NULL,
        uid varchar(64) NULL,
        cpu_overhead int NOT NULL DEFAULT 0,
        priority int NOT NULL DEFAULT 0,
        retries int NULL,
        backoff varchar(255) NULL,
        timeout_ms int NULL,
        catch_up varchar(8) NOT NULL,
        overlap varchar(8) NOT NULL,
        next_due_at datetime(3) NOT NULL,
        last_due_at datetime(3) NULL,
        last_task_id varchar(64) NULL,
        created_at datetime(3) NOT NULL,
        updated_at datetime(3) NOT NULL,
        PRIMARY KEY (id),
        INDEX idx_async_task_schedule_next_due (next_due_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await queryRunner.query('CREATE INDEX idx_async_task_status_finished ON async_task_record (status, finished_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX idx_async_task_status_finished ON async_task_record');
    await queryRunner.query('DROP TABLE async_task_schedule');
  }
}
