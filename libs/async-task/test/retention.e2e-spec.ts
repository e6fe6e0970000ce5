import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AsyncTaskStatus, BaseAsyncTask, InvalidAsyncTaskOptionsError, type AsyncTaskLog } from '../src/index.js';
import { TestDatabase } from '../../../test/support/test-database.js';
import { uniqueName } from '../../../test/support/test-environment.js';
import { startTestNode, type TestNode } from '../../../test/support/test-node.js';
import { waitFor } from '../../../test/support/wait-for.js';

const HOUR = 3_600_000;
const BATCH = 100;

/** `busy`: a short task that writes a few log lines, so running tasks keep inserting and updating rows. */
class BusyTask extends BaseAsyncTask {
  protected async run(log: AsyncTaskLog): Promise<void> {
    for (let line = 0; line < 5; line++) {
      log.info(`step ${line}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
const busyFactory = { getTaskType: () => 'busy', createTask: (params: string) => new BusyTask(params) };

/**
 * InnoDB refreshes its lock tables only when they were not read for 100 ms (TRX_I_S cache): reading
 * them faster would show the same stale picture forever.
 */
const LOCK_TABLES_REFRESH_MS = 120;

/**
 * Watches InnoDB for transactions waiting on a lock in one database: samples the lock-wait tables on
 * a connection of its own every LOCK_TABLES_REFRESH_MS, until stopped.
 */
class LockWaitWatch {
  readonly seen: Array<{ table: string; mode: string }> = [];
  polls = 0;
  failure: Error | undefined;
  private running = true;
  private loop: Promise<void> | undefined;
  private source: DataSource;

  constructor(url: string, private readonly databaseName: string) {
    this.source = new DataSource({ type: 'mysql', url });
  }

  async start(): Promise<void> {
    await this.source.initialize();
    this.loop = (async () => {
      while (this.running) {
        // The test reads `seen` while this runs; an error here must end the watch, not the test process.
        const rows = (await this.source.query(
          `SELECT l.lock_table AS \`table\`, l.lock_mode AS mode FROM information_schema.INNODB_LOCK_WAITS w
             JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id WHERE l.lock_table LIKE ?`,
          [`\`${this.databaseName}\`.%`],
        )) as Array<{ table: string; mode: string }>;
        this.seen.push(...rows);
        this.polls++;
        await new Promise((resolve) => setTimeout(resolve, LOCK_TABLES_REFRESH_MS));
      }
    })().catch((error: Error) => {
      this.failure = error;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.source.destroy();
    if (this.failure) throw this.failure;
  }
}

describe('retention', () => {
  const database = new TestDatabase();
  const prefix = uniqueName('retention');
  let node: TestNode;

  /** Inserts ended tasks with one log row each, `ageMs` after their end. */
  async function insertEnded(label: string, status: AsyncTaskStatus, count: number, ageMs: number): Promise<string[]> {
    const finished = new Date(Date.now() - ageMs);
    const ids = Array.from({ length: count }, (_, index) => `${label}-${index}`);
    for (let offset = 0; offset < count; offset += 500) {
      const chunk = ids.slice(offset, offset + 500);
      await database.query(
        `INSERT INTO async_task_record (id, name, task_type, params, status, attempt, created_at, updated_at, started_at, finished_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, 1, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((id) => [id, id, 'busy', '', status, finished, finished, finished, finished]),
      );
      await database.query(
        `INSERT INTO async_task_log_record (task_id, attempt, executor, log, started_at, finished_at) VALUES ${chunk.map(() => '(?, 1, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((id) => [id, 'old-node', `log of ${id}`, finished, finished]),
      );
    }
    return ids;
  }
  const idsIn = async (table: 'async_task_record' | 'async_task_log_record', column: 'id' | 'task_id') =>
    new Set((await database.query<Array<{ id: string }>>(`SELECT ${column} AS id FROM ${table}`)).map((row) => row.id));

  beforeAll(async () => {
    await database.create();
  });

  afterAll(async () => {
    await node?.close();
    await database.drop();
  });

  it('refuses bad retention options at start', async () => {
    await expect(startTestNode(database, { prefix, retention: { maxAgeMs: { succeeded: 1000 } as never } })).rejects.toThrow(InvalidAsyncTaskOptionsError);
    await expect(startTestNode(database, { prefix, retention: { maxAgeMs: { failed: 0 } } })).rejects.toThrow(/retention\.maxAgeMs\.failed/);
    await expect(startTestNode(database, { prefix, retention: { batchSize: 0 } })).rejects.toThrow(/retention\.batchSize/);
  });

  it('the lock-wait watch sees a write that waits on a lock (so seeing none below means something)', async () => {
    await insertEnded('probe', AsyncTaskStatus.SUCCESS, 1, 0);
    const watch = new LockWaitWatch(database.url, database.name);
    const holder = new DataSource(database.dataSourceOptions());
    const waiter = new DataSource(database.dataSourceOptions());
    await Promise.all([watch.start(), holder.initialize(), waiter.initialize()]);
    const runner = holder.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query("SELECT id FROM async_task_record WHERE id = 'probe-0' FOR UPDATE");
      const blocked = waiter.query("UPDATE async_task_record SET priority = 1 WHERE id = 'probe-0'");
      await waitFor('the watch to see the blocked update', () => {
        if (watch.failure) throw watch.failure;
        return watch.seen.length > 0;
      }, 10_000, 20);
      await runner.rollbackTransaction();
      await blocked;
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
      await watch.stop();
      await Promise.all([holder.destroy(), waiter.destroy()]);
    }
    expect(watch.seen[0].table).toBe(`\`${database.name}\`.\`async_task_record\``);
    await database.query("DELETE FROM async_task_log_record WHERE task_id = 'probe-0'");
    await database.query("DELETE FROM async_task_record WHERE id = 'probe-0'");
  });

  it('deletes exactly the ended tasks (and their logs) past their status age, in batches, while tasks run without waiting on a lock', async () => {
    const pruned = [
      ...(await insertEnded('old-success', AsyncTaskStatus.SUCCESS, 6000, 2 * HOUR)),
      ...(await insertEnded('old-cancelled', AsyncTaskStatus.CANCELLED, 1000, 2 * HOUR)),
    ];
    const kept = [
      ...(await insertEnded('old-failed', AsyncTaskStatus.FAILED, 500, 2 * HOUR)), // failures are kept a day
      ...(await insertEnded('young-success', AsyncTaskStatus.SUCCESS, 500, HOUR - 60_000)),
    ];
    const watch = new LockWaitWatch(database.url, database.name);
    await watch.start();
    const running: string[] = [];
    try {
      node = await startTestNode(database, {
        prefix,
        factories: [busyFactory],
        retention: { maxAgeMs: { success: HOUR, cancelled: HOUR, failed: 24 * HOUR }, intervalMs: 200, batchSize: BATCH },
      });
      // Tasks keep running (inserts, claims, log rows, final writes) until retention has done its work.
      while ((await node.manager.getRetentionCounts()).tasks < pruned.length) {
        const wave = await Promise.all(Array.from({ length: 10 }, (_, index) => node.manager.submitAsyncTask({ name: `busy ${running.length + index}`, taskType: 'busy' })));
        const ends = await Promise.all(wave.map((task) => node.manager.waitForExit(task.id, 20_000)));
        expect(ends.map((end) => end.status)).toEqual(wave.map(() => AsyncTaskStatus.SUCCESS));
        running.push(...wave.map((task) => task.id));
      }
    } finally {
      await watch.stop();
    }

    const counts = await node.manager.getRetentionCounts();
    expect(counts).toEqual({ tasks: pruned.length, logs: pruned.length, batches: expect.any(Number) });
    expect(counts.batches).toBeGreaterThanOrEqual(pruned.length / BATCH);
    const records = await idsIn('async_task_record', 'id');
    expect([...records].sort()).toEqual([...kept, ...running].sort());
    const logs = await idsIn('async_task_log_record', 'task_id');
    expect(pruned.filter((id) => logs.has(id))).toEqual([]);
    expect(kept.filter((id) => !logs.has(id))).toEqual([]);
    expect(running.length).toBeGreaterThan(0);
    console.log(`retention: ${counts.tasks} tasks and ${counts.logs} logs in ${counts.batches} batches while ${running.length} tasks ran; lock-wait polls ${watch.polls}, waits seen ${watch.seen.length}`);
    expect(watch.seen).toEqual([]);
  });
});
