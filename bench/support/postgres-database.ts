import pg from 'pg';
import { POSTGRES_URL, uniqueName } from './bench-config.js';

/**
 * A PostgreSQL database of its own for one run of a peer (graphile-worker, pg-boss): created empty
 * (each peer installs its own schema when its worker starts), dropped afterwards with whatever the
 * run left in it.
 */
export class PostgresBenchDatabase {
  readonly name = uniqueName('at_bench_pg');
  readonly url: string;

  constructor() {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${this.name}`;
    this.url = url.toString();
  }

  async create(): Promise<void> {
    await withServer((server) => server.query(`CREATE DATABASE "${this.name}"`));
  }

  /** Runs one statement in this database on a connection of its own (progress polls, counts). */
  async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    // WITH (FORCE): a peer's connection that outlived its node (a pool still closing) must not keep the database.
    await withServer((server) => server.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`));
  }
}

async function withServer(run: (server: pg.Client) => Promise<unknown>): Promise<void> {
  const server = new pg.Client({ connectionString: POSTGRES_URL });
  await server.connect();
  try {
    await run(server);
  } finally {
    await server.end();
  }
}
