import { type DynamicModule, type INestApplicationContext, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AsyncTaskManager, AsyncTaskModule, type AsyncTaskModuleOptions } from '@sfc/async-task';
import type { TestDatabase } from './test-database.js';
import { REDIS_URL } from './test-environment.js';

export interface TestNode {
  app: INestApplicationContext;
  manager: AsyncTaskManager;
  close(): Promise<void>;
}

/**
 * One cluster node in this process: a Nest application context with its own DataSource, Redis
 * connections and AsyncTaskModule. Several of them in one test behave as separate nodes.
 */
export async function startTestNode(
  database: TestDatabase,
  options: AsyncTaskModuleOptions & { prefix: string },
  providers: Provider[] = [],
  /** Merged into the node's DataSource options (e.g. a `logger` that records the statements). */
  dataSourceOverrides: Partial<DataSourceOptions> = {},
): Promise<TestNode> {
  class TestNodeModule {}
  // Kept so a node that fails to start can still close the DataSource Nest already opened for it.
  let dataSource: Promise<DataSource> | undefined;
  const module: DynamicModule = {
    module: TestNodeModule,
    imports: [
      TypeOrmModule.forRootAsync({
        useFactory: () => ({ ...database.dataSourceOptions(), ...dataSourceOverrides }) as DataSourceOptions,
        dataSourceFactory: (options) => (dataSource = new DataSource(options!).initialize()),
      }),
      AsyncTaskModule.forRoot({ redis: REDIS_URL, ...options }),
    ],
    providers,
  };
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(module, { logger: ['error'], abortOnError: false });
    await app.init();
  } catch (error) {
    const opened = await dataSource?.catch(() => undefined);
    if (opened?.isInitialized) await opened.destroy();
    throw error;
  }
  return {
    app,
    manager: app.get(AsyncTaskManager),
    close: () => app.close(),
  };
}
