import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdir } from 'node:fs/promises';
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
  app.enableShutdownHooks();
  return app;
}
