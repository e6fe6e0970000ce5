import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the two tables and the indexes the library's queries use (MySQL 8 / MariaDB 10.6+). */
export class CreateAsyncTaskTables1764300000000 implements MigrationInterface {
  name = 'CreateAsyncTaskTables1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE async_task_record (
        id varchar(64) NOT NULL,
        name varchar(255) NOT NULL,
        task_type varchar(64) NOT NULL,
        params mediumtext NOT NULL,
        status tinyint NOT NULL,
        attempt int NOT NULL DEFAULT 0,
        offline_count int NOT NULL DEFAULT 0,
        cpu_overhead int NOT NULL DEFAULT 0,
        priority int NOT NULL DEFAULT 0,
        uid varchar(64) NULL,
        executor varchar(128) NULL,
        failed_reason text NULL,
        created_at datetime(3) NOT NULL,
        run_after datetime(3) NULL,
        updated_at datetime(3) NOT NULL,
        started_at datetime(3) NULL,
        finished_at datetime(3) NULL,
        PRIMARY KEY (id),
        INDEX idx_async_task_status_type (status, task_type),
        INDEX idx_async_task_uid_created (uid, created_at),
        INDEX idx_async_task_type_created (task_type, created_at),
        INDEX idx_async_task_executor_status (executor, status)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await queryRunner.query(`
      CREATE TABLE async_task_log_record (
        id bigint NOT NULL AUTO_INCREMENT,
        task_id varchar(64) NOT NULL,
        attempt int NOT NULL,
        executor varchar(128) NULL,
        log mediumtext NOT NULL,
        truncated tinyint NOT NULL DEFAULT 0,
        started_at datetime(3) NOT NULL,
        finished_at datetime(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE INDEX uq_async_task_log_task_attempt (task_id, attempt)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE async_task_log_record');
    await queryRunner.query('DROP TABLE async_task_record');
  }
}
