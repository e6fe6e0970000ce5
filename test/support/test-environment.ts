import { randomBytes } from 'node:crypto';
import type { AsyncTaskRedisOption } from '@sfc/async-task';

/** Services the tests run against; override with env vars where they live elsewhere. */
export const MYSQL_URL = process.env.ASYNC_TASK_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const REDIS_URL = process.env.ASYNC_TASK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other run (or test file) uses, for queue prefixes and databases. */
export function uniqueName(label: string): string {
  return `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/**
 * The shared local Redis Cluster of this test run (started by global-setup.ts), as a `redis` option.
 * ASYNC_TASK_TEST_REDIS_CLUSTER lists its nodes ("host:port,host:port…").
 */
export function redisClusterOption(): { cluster: string[] } {
  const nodes = process.env.ASYNC_TASK_TEST_REDIS_CLUSTER;
  if (!nodes) throw new Error('ASYNC_TASK_TEST_REDIS_CLUSTER is not set: the e2e global setup starts the Redis Cluster');
  return { cluster: nodes.split(',') };
}

/** What suites that must hold on every deployment run against: `describe.each(REDIS_TARGETS)`. */
export function redisTargets(): Array<[string, AsyncTaskRedisOption]> {
  return [
    ['one Redis', REDIS_URL],
    ['a Redis Cluster', redisClusterOption()],
  ];
}
