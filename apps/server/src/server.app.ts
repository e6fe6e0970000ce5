import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';
import { mkdir } from 'node:fs/promises';
import { BULK_MAX_BODY_BYTES } from './api/submit-bulk.body.js';
import { AppModule } from './app.module.js';
import { securityHeaders } from './security-headers.js';
import type { ServerConfig } from './server.config.js';

/**
 * Builds the reference server from a config, ready to `listen()`: used by main.ts and by the e2e
 * tests (which listen on port 0). The services must be reachable and the database must exist
 * (see checkServices).
 */
export async function createServerApp(config: ServerConfig, logger?: LogLevel[] | false): Promise<NestExpressApplication> {
  await mkdir(config.dataDir, { recursive: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), {
    abortOnError: false,
    ...(logger !== undefined ? { logger } : {}),
  });
  app.disable('x-powered-by');
  app.use(securityHeaders());
  // Runs before Nest's own JSON parser (100 KB), which then leaves the parsed body alone. Wrapped:
  // Nest skips registering its parser when it finds a middleware named "jsonParser" already there.
  const bulkJson = json({ limit: BULK_MAX_BODY_BYTES });
  app.use('/api/tasks/bulk', (request: Request, response: Response, next: NextFunction) => bulkJson(request, response, next));
  app.enableShutdownHooks();
  return app;
}
