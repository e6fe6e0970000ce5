import { type AsyncTaskRedisOption, createRedisClient, describeRedis } from '@sfc/async-task';
import { DataSource } from 'typeorm';
import { redactUrl } from './common/redact-url.js';

const HOW_TO_START =
  'Start the services with `docker compose up -d` (or point REDIS_URL / REDIS_CLUSTER_NODES / MYSQL_URL at running ones).';

/**
 * Fails fast with one clear line when Redis or MySQL is not reachable, and creates the server's
 * database if it does not exist yet (so the first run needs no manual SQL).
 */
export async function checkServices(redisOption: AsyncTaskRedisOption, mysqlUrl: string): Promise<void> {
  const redis = createRedisClient(redisOption, 'server-check', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis is not reachable at ${describeRedis(redisOption)} (${(error as Error).message}). ${HOW_TO_START}`);
  } finally {
    redis.disconnect();
  }
  const url = new URL(mysqlUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`MYSQL_URL must name a database (letters, digits, _), got "${redactUrl(mysqlUrl)}"`);
  url.pathname = '/';
  const server = new DataSource({ type: 'mysql', url: url.toString(), connectTimeout: 3000 });
  try {
    await server.initialize();
  } catch (error) {
    throw new Error(`MySQL is not reachable at ${url.host} (${(error as Error).message}). ${HOW_TO_START}`);
  }
  try {
    await server.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
  } finally {
    await server.destroy();
  }
}
