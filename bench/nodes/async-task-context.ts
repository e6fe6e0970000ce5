import type { DynamicModule, INestApplicationContext, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'typeorm';
import { AsyncTaskModule, type AsyncTaskModuleOptions } from '@sfc/async-task';
import { BenchDatabase } from '../support/bench-database.js';

/** A Nest application context with TypeORM and AsyncTaskModule, as a user's app would have them. */
export async function startAsyncTaskContext(
  databaseUrl: string,
  options: AsyncTaskModuleOptions,
  providers: Provider[] = [],
  sqlLogger?: Logger,
): Promise<INestApplicationContext> {
  class BenchAppModule {}
  const module: DynamicModule = {
    module: BenchAppModule,
    imports: [TypeOrmModule.forRoot(BenchDatabase.options(databaseUrl, sqlLogger)), AsyncTaskModule.forRoot(options)],
    providers,
  };
  const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });
  await app.init();
  return app;
}
