import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ASYNC_TASK_ENTITIES,
  ASYNC_TASK_MIGRATIONS,
  type AsyncTask,
  type AsyncTaskLog,
  AsyncTaskManager,
  AsyncTaskModule,
  ProgressRecord,
} from '@sfc/async-task';

const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Big enough that the throughput run is persisted whole, small enough for a MEDIUMTEXT row. */
export const BENCH_LOG_CAP_BYTES = 15 * 1024 * 1024;

/**
 * `log-burst` `{ lines }`: writes lines as fast as it can, yielding every 1000 lines (as a chatty
 * real task would), then how long that took. `log-paced` `{ lines, everyMs }`: one line every `everyMs`, each carrying its
 * write time (epoch ms with fractions), so a reader can compute the line's latency.
 */
class BenchLogTask implements AsyncTask {
  private readonly progress = new ProgressRecord();
  private running = false;
  constructor(private readonly kind: string, private readonly params: string) {}

  async execute(log: AsyncTaskLog): Promise<void> {
    const { lines, everyMs = 0 } = JSON.parse(this.params) as { lines: number; everyMs?: number };
    this.running = true;
    const start = performance.now();
    for (let line = 1; line <= lines; line++) {
      if (this.kind === 'log-paced') {
        await new Promise((resolve) => setTimeout(resolve, everyMs));
        log.info(`sent-at=${performance.timeOrigin + performance.now()}`);
      } else {
        log.info(`line ${line} of a burst, padded to a typical length ........`);
        if (line % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      this.progress.setLoaded(line);
    }
    log.info(`burst-ms=${performance.now() - start}`);
    this.running = false;
  }
  interrupt() {}
  isRunning() {
    return this.running;
  }
  getParams() {
    return this.params;
  }
  getProgress() {
    return this.progress;
  }
}

const factory = (kind: string) => ({ getTaskType: () => kind, createTask: (params: string) => new BenchLogTask(kind, params) });

/** Two nodes in this process — A runs tasks, B is API-only — sharing a fresh database and prefix. */
export class LogBenchCluster {
  private readonly database = `at_logbench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  private readonly prefix = this.database.replace(/_/g, '-');
  private readonly apps: INestApplicationContext[] = [];
  a!: AsyncTaskManager;
  b!: AsyncTaskManager;

  async start(): Promise<void> {
    await this.server((server) => server.query(`CREATE DATABASE \`${this.database}\``));
    const migrator = new DataSource({ ...this.dataSourceOptions(), migrations: ASYNC_TASK_MIGRATIONS });
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
    this.a = await this.node('bench-node-a', true);
    this.b = await this.node('bench-node-b', false);
  }

  async stop(): Promise<void> {
    for (const app of this.apps.splice(0).reverse()) await app.close();
    await this.server((server) => server.query(`DROP DATABASE IF EXISTS \`${this.database}\``));
  }

  /** Runs SQL against the bench database. */
  async query<T>(sql: string, parameters: unknown[]): Promise<T> {
    const source = await new DataSource(this.dataSourceOptions()).initialize();
    try {
      return (await source.query(sql, parameters)) as T;
    } finally {
      await source.destroy();
    }
  }

  private async node(nodeId: string, worker: boolean): Promise<AsyncTaskManager> {
    class LogBenchNode {}
    const app = await NestFactory.createApplicationContext(
      {
        module: LogBenchNode,
        imports: [
          TypeOrmModule.forRoot(this.dataSourceOptions()),
          AsyncTaskModule.forRoot({
            redis: REDIS_URL,
            prefix: this.prefix,
            nodeId,
            worker,
            maxLogBytesPerAttempt: BENCH_LOG_CAP_BYTES,
            factories: worker ? [factory('log-burst'), factory('log-paced')] : [],
          }),
        ],
      },
      // Two default DataSources in one process make TypeORM warn; only errors matter here.
      { logger: ['error'] },
    );
    await app.init();
    this.apps.push(app);
    return app.get(AsyncTaskManager);
  }

  private dataSourceOptions() {
    const url = new URL(MYSQL_URL);
    url.pathname = `/${this.database}`;
    return { type: 'mysql' as const, url: url.toString(), entities: ASYNC_TASK_ENTITIES, synchronize: false, logging: false };
  }

  private async server(run: (server: DataSource) => Promise<unknown>): Promise<void> {
    const server = await new DataSource({ type: 'mysql', url: MYSQL_URL }).initialize();
    try {
      await run(server);
    } finally {
      await server.destroy();
    }
  }
}
