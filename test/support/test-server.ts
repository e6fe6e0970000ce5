import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTokens } from '../../apps/server/src/auth/token-table.js';
import { createServerApp } from '../../apps/server/src/server.app.js';
import type { ServerConfig } from '../../apps/server/src/server.config.js';
import { TestDatabase } from './test-database.js';
import { REDIS_URL, uniqueName } from './test-environment.js';

/** Tokens every test server accepts: two users and an admin. */
export const TOKENS = { alice: 'alice-token', bob: 'bob-token', admin: 'admin-token' } as const;

export interface RequestOptions {
  token?: string;
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

export interface TestServer {
  url: string;
  config: ServerConfig;
  database: TestDatabase;
  app: NestExpressApplication;
  /** fetch() against the server, with a Bearer token and a JSON body when given. */
  request(path: string, options?: RequestOptions): Promise<Response>;
  /** request() that expects 2xx and returns the parsed JSON body. */
  json<T = any>(path: string, options?: RequestOptions): Promise<T>;
  close(): Promise<void>;
}

/**
 * The reference server in this process, over real HTTP on a free port, with its own database,
 * queue prefix and data folder (all removed by close()). Given `cluster`, it joins that server's
 * database and prefix instead, as another node of the same cluster (close it first).
 */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, cluster?: TestServer): Promise<TestServer> {
  const database = cluster?.database ?? new TestDatabase();
  if (!cluster) await database.create();
  const dataDir = await mkdtemp(join(tmpdir(), 'async-task-server-'));
  const config: ServerConfig = {
    port: 0,
    redis: REDIS_URL,
    mysqlUrl: database.url,
    worker: true,
    prefix: cluster?.config.prefix ?? uniqueName('srv'),
    dataDir,
    // Tests that download from their own server on 127.0.0.1 allow it explicitly.
    download: { allowPrivate: [], maxBytes: 1024 ** 3, timeoutMs: 60_000 },
    followsPerUser: 10,
    tokens: parseTokens(`${TOKENS.alice}=alice,${TOKENS.bob}=bob,${TOKENS.admin}=*`),
    devTokens: false,
    ...overrides,
  };
  const app = await createServerApp(config, ['error', 'warn']);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const request = (path: string, options: RequestOptions = {}) =>
    fetch(`${url}${path}`, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      signal: options.signal,
    });
  return {
    url,
    config,
    database,
    app,
    request,
    async json(path, options) {
      const response = await request(path, options);
      const text = await response.text();
      if (!response.ok) throw new Error(`${options?.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text);
    },
    async close() {
      await app.close();
      if (!cluster) await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
