import { type AsyncTaskRedisOption, AsyncTaskStatus } from '@sfc/async-task';
import { type ClusterNodeSettings, ClusterProcess } from './cluster-process.js';
import type { TestDatabase } from './test-database.js';
import { REDIS_URL, uniqueName } from './test-environment.js';
import { startTestNode, type TestNode } from './test-node.js';
import { waitFor } from './wait-for.js';

/** Failure detection in about two seconds, so cluster tests stay short. */
export const FAST_FAILOVER = { heartbeatIntervalMs: 300, nodeTimeoutMs: 1500, failoverIntervalMs: 500 };

export interface TaskRun {
  task_id: string;
  attempt: number;
  node: string;
  started_at: Date;
  ended_at: Date | null;
  completed: number;
}

/**
 * One cluster for one test: node processes and an in-process API-only node (the "control" node the
 * test submits and interrupts through), sharing a database and a fresh prefix.
 */
export class ClusterFixture {
  readonly prefix = uniqueName('cluster');
  readonly processes: ClusterProcess[] = [];
  control!: TestNode;

  constructor(
    readonly database: TestDatabase,
    private readonly redis: AsyncTaskRedisOption = REDIS_URL,
  ) {}

  /** Creates the journal table the `work` task writes its runs to (once per database). */
  static async prepare(database: TestDatabase): Promise<void> {
    await database.query(`CREATE TABLE IF NOT EXISTS cluster_task_runs (
      task_id varchar(64) NOT NULL, attempt int NOT NULL, node varchar(128) NOT NULL,
      started_at datetime(3) NOT NULL, ended_at datetime(3) NULL, completed tinyint NOT NULL DEFAULT 0,
      PRIMARY KEY (task_id, attempt))`);
  }

  async startControl(options: Record<string, unknown> = {}): Promise<TestNode> {
    this.control = await startTestNode(this.database, { prefix: this.prefix, nodeId: 'control', worker: false, redis: this.redis, ...options });
    return this.control;
  }

  async startNodes(ids: string[], options: Record<string, unknown> = {}): Promise<ClusterProcess[]> {
    return this.startNodesWithMysql(ids, this.database.url, options);
  }

  /** Nodes that reach MySQL at another address (e.g. through a proxy the test can cut). */
  async startNodesWithMysql(ids: string[], mysqlUrl: string, options: Record<string, unknown> = {}): Promise<ClusterProcess[]> {
    const settings: ClusterNodeSettings = { mysqlUrl, redis: this.redis, prefix: this.prefix, options };
    const started = await Promise.all(ids.map((id) => ClusterProcess.start(id, settings)));
    this.processes.push(...started);
    return started;
  }

  async statusCounts(ids: string[]): Promise<Map<AsyncTaskStatus, number>> {
    const rows = await this.database.query<Array<{ status: number; n: number }>>(
      'SELECT status, COUNT(*) AS n FROM async_task_record WHERE id IN (?) GROUP BY status',
      [ids],
    );
    return new Map(rows.map((row) => [row.status as AsyncTaskStatus, Number(row.n)]));
  }

  async waitForCount(ids: string[], status: AsyncTaskStatus, atLeast: number, timeoutMs: number): Promise<void> {
    await waitFor(`${atLeast} tasks in status ${AsyncTaskStatus[status]}`, async () => ((await this.statusCounts(ids)).get(status) ?? 0) >= atLeast, timeoutMs, 100);
  }

  async runs(): Promise<TaskRun[]> {
    return this.database.query<TaskRun[]>('SELECT * FROM cluster_task_runs ORDER BY task_id, started_at');
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((node) => node.kill()));
    await this.control?.close();
  }
}

/**
 * The frame of a cluster test file: `database` created and migrated once for the file (and dropped
 * after it), and a fresh ClusterFixture for each test on `redis` (one server by default) — handed to
 * `use` — stopped after that test.
 * Call it inside `describe`.
 */
export function freshClusterPerTest(database: TestDatabase, use: (cluster: ClusterFixture) => void, redis?: AsyncTaskRedisOption): void {
  let cluster: ClusterFixture | undefined;
  beforeAll(async () => {
    await database.create();
    await ClusterFixture.prepare(database);
  });
  afterAll(() => database.drop());
  beforeEach(() => use((cluster = new ClusterFixture(database, redis))));
  afterEach(() => cluster?.stop());
}
