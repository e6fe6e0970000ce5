import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records carry the cluster they belong to (its `prefix`, issue #14), so clusters sharing one database
 * only fail over and republish their own tasks. Rows from before stay NULL: an unfinished one is
 * adopted by the first cluster whose failover scan sees a live node that runs its type.
 */
export class AddTaskCluster1764800000000 implements MigrationInterface {
  name = 'AddTaskCluster1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE async_task_record
        ADD COLUMN cluster varchar(64) NULL,
        ADD INDEX idx_async_task_cluster_status (cluster, status)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE async_task_record DROP INDEX idx_async_task_cluster_status, DROP COLUMN cluster');
  }
}
