import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { AsyncTaskErrorsFilter } from './async-task-errors.filter.js';
import { loadServerConfig } from './server.config.js';
import { checkServices } from './service-check.js';

async function main(): Promise<void> {
  const config = loadServerConfig();
  await checkServices(config.redisUrl, config.mysqlUrl);
  const app = await NestFactory.create(AppModule.forConfig(config));
  app.enableShutdownHooks();
  app.useGlobalFilters(new AsyncTaskErrorsFilter());
  await app.listen(config.port, '127.0.0.1');
  const url = `http://127.0.0.1:${config.port}`;
  new Logger('Server').log(
    `Listening on ${url}. Try: curl -X POST ${url}/api/tasks -H 'content-type: application/json' ` +
      `-d '{"name":"nap","taskType":"sleep","params":{"ms":5000}}'`,
  );
}

main().catch((error: Error) => {
  console.error(`Server failed to start: ${error.message}`);
  process.exit(1);
});
