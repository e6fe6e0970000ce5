import { DataSource } from 'typeorm';
import { ASYNC_TASK_ENTITIES, ASYNC_TASK_MIGRATIONS } from '@sfc/async-task';
import { MYSQL_URL, uniqueName } from './test-environment.js';

/**
 * A database of its own for one test file: created empty, migrated with the library's shipped
 * migrations (not `synchronize`), dropped at the end.
 */
export class TestDatabase {
  readonly name = uniqueName('at_test');
  readonly url: string;

  constructor() {
    const url = new URL(MYSQL_URL);
    url.pathname = `/${this.name}`;
    this.url = url.toString();
  }

  async create(): Promise<void> {
    await this.withServer((server) => server.query(`CREATE DATABASE \`${this.name}\``));
    const migrator = new DataSource({ ...this.dataSourceOptions(), migrations: ASYNC_TASK_MIGRATIONS });
    await migrator.initialize();
    await migrator.runMigrations();
    await migrator.destroy();
  }

  /** Creates the database without the library's tables (for apps that migrate it themselves). */
  async createEmpty(): Promise<void> {
    await this.withServer((server) => server.query(`CREATE DATABASE \`${this.name}\``));
  }

  async drop(): Promise<void> {
    await this.withServer((server) => server.query(`DROP DATABASE IF EXISTS \`${this.name}\``));
  }

  /** Options for TypeOrmModule.forRoot / new DataSource in the tests' nodes. */
  dataSourceOptions() {
    return { type: 'mysql' as const, url: this.url, entities: ASYNC_TASK_ENTITIES, synchronize: false, logging: false };
  }

  /** Runs SQL against this database on a short-lived connection (for assertions). */
  async query<T = any>(sql: string, parameters: unknown[] = []): Promise<T> {
    const source = new DataSource(this.dataSourceOptions());
    await source.initialize();
    try {
      return (await source.query(sql, parameters)) as T;
    } finally {
      await source.destroy();
    }
  }

  private async withServer(run: (server: DataSource) => Promise<unknown>): Promise<void> {
    const server = new DataSource({ type: 'mysql', url: MYSQL_URL });
    await server.initialize();
    try {
      await run(server);
    } finally {
      await server.destroy();
    }
  }
}
