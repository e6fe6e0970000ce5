import { Controller, Get, Injectable, Module, Param, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AsyncTaskFactory,
  type AsyncTaskLog,
  AsyncTaskManager,
  AsyncTaskModule,
  type AsyncTaskRecord,
  AsyncTaskSetupError,
  AsyncTaskStatus,
  BaseAsyncTask,
  RedisUnreachableError,
} from '../src/index.js';
import { TestDatabase } from '../../../test/support/test-database.js';
import { REDIS_URL, uniqueName } from '../../../test/support/test-environment.js';
import { waitFor } from '../../../test/support/wait-for.js';

/** A service of the host app that a factory depends on. */
@Injectable()
class Greeter {
  greet(name: string) {
    return `hello, ${name}`;
  }
}

class GreetTask extends BaseAsyncTask {
  constructor(
    params: string,
    private readonly greeter: Greeter,
  ) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, signal: AbortSignal) {
    const { name, waitMs = 0 } = JSON.parse(this.params) as { name: string; waitMs?: number };
    log.info(this.greeter.greet(name));
    if (waitMs) await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, waitMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    });
  }
}

/** Listed in `factories` only, provided nowhere: its Greeter must come from the app's own module. */
@Injectable()
class GreetFactory implements AsyncTaskFactory {
  constructor(private readonly greeter: Greeter) {}
  createTask(params: string, _record: AsyncTaskRecord) {
    return new GreetTask(params, this.greeter);
  }
  getTaskType() {
    return 'greet';
  }
}

/** Provided in a feature module AND listed in `factories`: one factory, registered once. */
@Injectable()
@AsyncTaskFactory('shout')
class ShoutFactory implements AsyncTaskFactory {
  constructor(private readonly greeter: Greeter) {}
  createTask(params: string) {
    return new GreetTask(JSON.stringify({ name: JSON.parse(params).name.toUpperCase() }), this.greeter);
  }
  getTaskType() {
    return 'shout';
  }
}

/** A feature module that injects the manager with a bare `imports: [AsyncTaskModule]`, no isGlobal. */
@Controller('greetings')
class GreetingsController {
  constructor(private readonly manager: AsyncTaskManager) {}

  @Get(':id')
  get(@Param('id') id: string) {
    return this.manager.getTask(id);
  }
}

@Module({ imports: [AsyncTaskModule], providers: [Greeter, ShoutFactory], controllers: [GreetingsController], exports: [Greeter] })
class GreetingsModule {}

function appModule(database: TestDatabase, prefix: string, overrides: { entities?: boolean; redis?: string; startupTimeoutMs?: number } = {}) {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ ...database.dataSourceOptions(), entities: overrides.entities === false ? [] : database.dataSourceOptions().entities }),
      AsyncTaskModule.forRoot({
        redis: overrides.redis ?? REDIS_URL,
        prefix,
        factories: [GreetFactory, ShoutFactory],
        startupTimeoutMs: overrides.startupTimeoutMs,
      }),
      GreetingsModule,
    ],
  })
  class AppModule {}
  return AppModule;
}

async function startApp(module: unknown, logger: LoggerService | ['error'] = ['error']): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, { logger, abortOnError: false });
  try {
    await app.listen(0, '127.0.0.1');
    return app;
  } catch (error) {
    await app.get(DataSource).destroy().catch(() => undefined);
    throw error;
  }
}

describe('what a Nest developer meets in the first hour', () => {
  const database = new TestDatabase();
  beforeAll(() => database.create());
  afterAll(() => database.drop());

  describe('a well set-up app', () => {
    let app: INestApplication;
    let manager: AsyncTaskManager;
    let url: string;
    const warnings: string[] = [];
    const logger: LoggerService = { log() {}, error() {}, warn: (message: unknown) => void warnings.push(String(message)) };

    beforeAll(async () => {
      app = await startApp(appModule(database, uniqueName('first_hour')), logger);
      manager = app.get(AsyncTaskManager);
      url = await app.getUrl();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('runs factories from `factories` with the app\'s services, and counts a provided one once', async () => {
      const greet = await manager.submitAsyncTask({ name: 'greet', taskType: 'greet', params: { name: 'ada' } });
      const shout = await manager.submitAsyncTask({ name: 'shout', taskType: 'shout', params: { name: 'bob' } });
      for (const [task, text] of [[greet, 'hello, ada'], [shout, 'hello, BOB']] as const) {
        const ended = await manager.waitForExit(task.id, 15000);
        expect(ended.status).toBe(AsyncTaskStatus.SUCCESS);
        expect(await readAll(await manager.getTaskLog(task.id))).toContain(text);
      }
    });

    it('maps library errors to HTTP statuses in any app: unknown id → 404 with the named error', async () => {
      const response = await fetch(`${url}/greetings/no-such-task`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ statusCode: 404, error: 'AsyncTaskNotFoundError' });
      const task = await manager.submitAsyncTask({ name: 'greet', taskType: 'greet', params: { name: 'eve' } });
      const found = await fetch(`${url}/greetings/${task.id}`);
      expect(found.status).toBe(200);
      expect(((await found.json()) as { id: string }).id).toBe(task.id);
    });

    it('logs a user interrupt as one INFO line, not an ERROR with a stack', async () => {
      const task = await manager.submitAsyncTask({ name: 'wait', taskType: 'greet', params: { name: 'zed', waitMs: 30000 } });
      await waitForStatus(manager, task.id, AsyncTaskStatus.RUNNING);
      await manager.interrupt(task.id);
      expect((await manager.waitForExit(task.id, 15000)).status).toBe(AsyncTaskStatus.CANCELLED);
      const log = await readAll(await manager.getTaskLog(task.id));
      expect(log).toMatch(/\[ INFO\]\[[^\]]+\] Interrupted by a user: the task ends CANCELLED\./);
      expect(log).not.toContain('[ERROR]');
      expect(log).not.toMatch(/\n\s+at /);
    });

    it('warns once per task type that no live node can run', async () => {
      for (let i = 0; i < 3; i++) await manager.submitAsyncTask({ name: 'orphan', taskType: 'nobody.runs.this', params: '' });
      await waitFor('the warning', () => warnings.some((text) => text.includes('"nobody.runs.this"')));
      expect(warnings.filter((text) => text.includes('"nobody.runs.this"'))).toEqual([
        expect.stringContaining('No live node can run task type "nobody.runs.this"'),
      ]);
      expect(warnings.some((text) => text.includes('"greet"'))).toBe(false);
    });
  });

  describe('a misconfigured app fails at start-up with a named error that says what to add', () => {
    it('entities not registered with the DataSource', async () => {
      const start = startApp(appModule(database, uniqueName('no_entities'), { entities: false }));
      await expect(start).rejects.toThrow(AsyncTaskSetupError);
      await expect(start).rejects.toThrow(/autoLoadEntities: true.*ASYNC_TASK_ENTITIES/);
    });

    it('tables not migrated', async () => {
      const empty = new TestDatabase();
      await empty.createEmpty();
      try {
        const start = startApp(appModule(empty, uniqueName('no_tables')));
        await expect(start).rejects.toThrow(AsyncTaskSetupError);
        await expect(start).rejects.toThrow(/"async_task_record" is missing or out of date \(ER_NO_SUCH_TABLE\).*ASYNC_TASK_MIGRATIONS/);
      } finally {
        await empty.drop();
      }
    });

    it('Redis unreachable: fails within the start-up timeout, naming host:port with the password masked', async () => {
      const began = Date.now();
      const start = startApp(appModule(database, uniqueName('no_redis'), { redis: 'redis://default:s3cret@127.0.0.1:1/0', startupTimeoutMs: 1500 }));
      await expect(start).rejects.toThrow(RedisUnreachableError);
      const error = (await start.catch((thrown: Error) => thrown)) as Error;
      expect(error.message).toContain('redis://default:***@127.0.0.1:1/0');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).not.toContain('s3cret');
      expect(Date.now() - began).toBeLessThan(8000);
    });
  });
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

async function waitForStatus(manager: AsyncTaskManager, id: string, status: AsyncTaskStatus) {
  await waitFor(`task ${id} in status ${status}`, async () => (await manager.getTask(id)).status === status);
}
