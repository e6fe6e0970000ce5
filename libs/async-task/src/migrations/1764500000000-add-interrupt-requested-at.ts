import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds `interrupt_requested_at`: set (only while the attempt is RUNNING) when `interrupt()` accepts a
 * user interrupt, and turned into CANCELLED by the attempt's final write, so the answer `interrupting`
 * and the outcome always agree.
 */
export class AddInterruptRequestedAt1764500000000 implements MigrationInterface {
  name = 'AddInterruptRequestedAt1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE async_task_record ADD COLUMN interrupt_requested_at datetime(3) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE async_task_record DROP COLUMN interrupt_requested_at');
  }
}
