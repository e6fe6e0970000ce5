import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncTaskStatus } from '@sfc/async-task';
import {
  addCommonJsVariant,
  compile,
  installConsumerApp,
  packLibrary,
  type RunningApp,
  runScript,
  startApp,
  tarballFiles,
} from './support/consumer-app.js';
import { TestDatabase } from './support/test-database.js';
import { REDIS_URL, uniqueName } from './support/test-environment.js';
import { waitFor } from './support/wait-for.js';

/**
 * The library as a user gets it: `npm pack`, then a fresh Nest 12 app (ESM, nodenext, shaped like
 * `nest new` output) runs the package README's install line with the tarball, compiles with tsc,
 * boots against the real MySQL and Redis, runs a task to SUCCESS and reads its log over HTTP. Then
 * the same sources compiled as CommonJS.
 */
describe('a fresh Nest app installs the packed @sfc/async-task', () => {
  const work = mkdtempSync(join(tmpdir(), 'sfc-consumer-'));
  const app = join(work, 'app');
  const database = new TestDatabase();
  let tarball: string;

  beforeAll(async () => {
    await database.createEmpty(); // the app migrates it itself (migrationsRun)
    tarball = await packLibrary(work);
    await installConsumerApp(app, tarball);
  }, 300_000);

  afterAll(async () => {
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('ships compiled JavaScript, typings and maps only', async () => {
    const files = await tarballFiles(tarball);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js']));
    expect(files.filter((file) => file.endsWith('.cjs'))).toEqual(['dist/node-heartbeat.thread.cjs']);
    expect(files.filter((file) => !/^(package\.json|README\.md|LICENSE|dist\/.*\.(js|cjs|d\.ts|js\.map|d\.ts\.map))$/.test(file))).toEqual([]);
    expect(files.some((file) => /\.spec\.|\/test\//.test(file))).toBe(false);
  });

  it('installs with one copy of Nest (no nested @nestjs/core under the package)', () => {
    expect(readdirSync(join(app, 'node_modules/@sfc/async-task'))).not.toContain('node_modules');
  });

  for (const variant of ['ESM', 'CommonJS'] as const) {
    describe(`as ${variant}`, () => {
      let running: RunningApp;
      let root: string;

      beforeAll(async () => {
        root = variant === 'ESM' ? app : addCommonJsVariant(app);
        await compile(root, app);
      }, 120_000);

      afterAll(async () => {
        // A clean shutdown: Nest's hooks ran (workers, queues, connections closed), then SIGTERM re-raised.
        expect(await running?.stop()).toBe('SIGTERM');
        expect(running.output()).not.toMatch(/ERROR/);
      });

      it('compiles to the module system of its kind', () => {
        const compiled = readFileSync(join(root, 'dist/src/app.module.js'), 'utf8');
        expect(compiled).toMatch(variant === 'ESM' ? /from '@sfc\/async-task'/ : /require\("@sfc\/async-task"\)/);
      });

      it('unit-tests a factory with @sfc/async-task/testing (no Redis, no MySQL)', async () => {
        expect(await runScript(root, 'dist/src/greet.factory.check.js')).toContain('testing entry: SUCCESS with the log and progress captured');
      });

      it('boots, runs a task to SUCCESS and serves its log and a 404 over HTTP', async () => {
        running = await startApp(root, { MYSQL_URL: database.url, REDIS_URL, ASYNC_TASK_PREFIX: uniqueName(`consumer_${variant}`) });
        const submitted = await fetch(`${running.url}/greetings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ names: ['Ada', 'Grace'] }),
        });
        expect(submitted.status).toBe(201);
        const { id } = (await submitted.json()) as { id: string };
        const done = await waitFor('the task to end', async () => {
          const record = (await (await fetch(`${running.url}/greetings/${id}`)).json()) as { status: number };
          return record.status >= AsyncTaskStatus.SUCCESS ? record : null;
        });
        expect(done.status).toBe(AsyncTaskStatus.SUCCESS);
        const log = await (await fetch(`${running.url}/greetings/${id}/log`)).text();
        expect(log).toMatch(/\[ INFO\]\[[^\]]+\] Hello, Ada!\n/);
        expect(log).toContain('Hello, Grace!');
        const missing = await fetch(`${running.url}/greetings/no-such-id`);
        expect(missing.status).toBe(404);
        expect(await missing.json()).toMatchObject({ error: 'AsyncTaskNotFoundError' });
      }, 120_000);
    });
  }
});
