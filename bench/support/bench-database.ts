import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import { ASYNC_TASK_ENTITIES, ASYNC_TASK_MIGRATIONS } from '@sfc/async-task';
import { MYSQL_URL, uniqueName } from './bench-config.js';

/**
 * A database of its own for one scenario run, migrated with the library's shipped migrations, so
 * the hand-written baseline writes to exactly the table (and indexes) the library writes to.
 */
export class BenchDatabase {
  readonly name = uniqueName('at_bench');
  readonly url: string;
  private source: DataSource | undefined;

  constructor() {
    const url = new URL(MYSQL_URL);
    url.pathname = `/${this.name}`;
    this.url = url.toString();
  }

  /** Options of a DataSource on this database; with `logger`, every statement is passed to it. */
  static options(url: string, logger?: Logger): DataSourceOptions {
    return { type: 'mysql', url, entities: ASYNC_TASK_ENTITIES, synchronize: false, logging: logger ? ['query'] : false, logger };
  }

  async create(): Promise<void> {
    await withServer((server) => server.query(`CREATE DATABASE \`${this.name}\``));
    this.source = new DataSource({ ...BenchDatabase.options(this.url), migrations: ASYNC_TASK_MIGRATIONS });
    await this.source.initialize();
    await this.source.runMigrations();
  }

  /** The parent's own connection pool to this database (the baseline's submits, progress polls). */
  get dataSource(): DataSource {
    if (!this.source) throw new Error('BenchDatabase.create() first');
    return this.source;
  }

  async drop(): Promise<void> {
    await this.source?.destroy();
    await withServer((server) => server.query(`DROP DATABASE IF EXISTS \`${this.name}\``));
  }
}

async function withServer(run: (server: DataSource) => Promise<unknown>): Promise<void> {
  const server = new DataSource({ type: 'mysql', url: MYSQL_URL });
  await server.initialize();
  try {
    await run(server);
  } finally {
    await server.destroy();
  }
}
