import { Logger } from '@nestjs/common';
import { createServerApp } from './server.app.js';
import { loadServerConfig } from './server.config.js';
import { checkServices } from './service-check.js';

async function main(): Promise<void> {
  const config = loadServerConfig();
  await checkServices(config.redis, config.mysqlUrl);
  const app = await createServerApp(config);
  await app.listen(config.port, '127.0.0.1');
  const url = `http://127.0.0.1:${config.port}`;
  const logger = new Logger('Server');
  if (config.devTokens) {
    logger.warn('TOKENS is not set: using the development tokens "dev-user" (user dev-user) and "dev-admin" (admin). Set TOKENS before exposing this server.');
  }
  const token = config.devTokens ? 'dev-user' : '<your token>';
  logger.log(`Dashboard: ${url}/  API description: ${url}/api/openapi.json  Data folder: ${config.dataDir}`);
  logger.log(
    `Try: curl -X POST ${url}/api/tasks -H 'authorization: Bearer ${token}' -H 'content-type: application/json' ` +
      `-d '{"name":"nap","taskType":"sleep","params":{"ms":5000}}'`,
  );
}

main().catch((error: Error) => {
  console.error(`Server failed to start: ${error.message}`);
  process.exit(1);
});
