import { ASYNC_TASK_MIGRATIONS, AsyncTaskStatus } from '@sfc/async-task';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ClusterFixture, FAST_FAILOVER } from './support/cluster-fixture.js';
import { TestDatabase } from './support/test-database.js';
import { REDIS_URL } from './support/test-environment.js';
import { waitFor } from './support/wait-for.js';

// Two clusters (two prefixes) sharing one database, on a database migrated from before records named
// their cluster: each scan looks after its own records only; an unfinished old row is adopted once.
describe('records carry their cluster', () => {
  const database = new TestDatabase();
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    await database.createEmpty();
    await migrate(ASYNC_TASK_MIGRATIONS.slice(0, -1)); // as it was before AddTaskCluster1764800000000
    await ClusterFixture.prepare(database);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => database.drop());

  async function migrate(migrations: unknown[]): Promise<void> {
    const migrator = new DataSource({ ...database.dataSourceOptions(), migrations: migrations as never });
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
  }

  it("runs its own and the adopted old tasks, never another cluster's waiting task", async () => {
    // A task saved before the migration (no cluster column yet), missing from every queue.
    await database.query(
      `INSERT INTO async_task_record (id, name, task_type, params, status, attempt, created_at, updated_at)
       VALUES ('legacy-1', 'old', 'work', '{"ms":50}', ?, 0, NOW(3) - INTERVAL 1 MINUTE, NOW(3) - INTERVAL 1 MINUTE)`,
      [AsyncTaskStatus.WAITING],
    );
    await migrate(ASYNC_TASK_MIGRATIONS);
    expect(await database.query('SELECT cluster FROM async_task_record')).toEqual([{ cluster: null }]);

    // Cluster B has no worker: its task waits in B's queue.
    const b = new ClusterFixture(database);
    cleanups.push(() => b.stop());
    const { manager: managerB } = await b.startControl();
    const { id: waitingInB } = await managerB.submitAsyncTask({ name: 'b', taskType: 'work', params: { ms: 50 } });

    // Cluster A runs `work`. Its first scan finds its Redis keys new ("data lost"), so it reconciles
    // at once and again when fresh submits have settled — the pass that used to take B's task too.
    const a = new ClusterFixture(database);
    cleanups.push(() => a.stop());
    await a.startNodes(['a-1'], FAST_FAILOVER);
    const { manager: managerA } = await a.startControl(FAST_FAILOVER);
    const { id: ownOfA } = await managerA.submitAsyncTask({ name: 'a', taskType: 'work', params: { ms: 50 } });
    expect((await managerA.waitForExit('legacy-1', 30_000)).status).toBe(AsyncTaskStatus.SUCCESS);
    expect((await managerA.waitForExit(ownOfA, 30_000)).status).toBe(AsyncTaskStatus.SUCCESS);
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => redis.disconnect());
    await waitFor('cluster A to have reconciled after settling', async () => (await redis.exists(`${a.prefix}:{nodes}:reconcile-due`)) === 0, 30_000, 100);
    await waitFor('B’s task to be older than the settle time', async () => {
      const [row] = await database.query('SELECT updated_at < NOW(3) - INTERVAL 5 SECOND AS settled FROM async_task_record WHERE id = ?', [waitingInB]);
      return Number(row.settled) === 1;
    }, 30_000, 200);
    await a.control.manager.listNodes(); // a round trip, so any scan under way has had its turn

    expect(await database.query('SELECT id, cluster, status FROM async_task_record ORDER BY id')).toEqual(
      [
        { id: 'legacy-1', cluster: a.prefix, status: AsyncTaskStatus.SUCCESS },
        { id: ownOfA, cluster: a.prefix, status: AsyncTaskStatus.SUCCESS },
        { id: waitingInB, cluster: b.prefix, status: AsyncTaskStatus.WAITING },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    expect((await a.runs()).map((run) => run.task_id).sort()).toEqual(['legacy-1', ownOfA].sort());
  }, 90_000);
});
