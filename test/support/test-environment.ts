import { randomBytes } from 'node:crypto';

/** Services the tests run against; override with env vars where they live elsewhere. */
export const MYSQL_URL = process.env.ASYNC_TASK_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const REDIS_URL = process.env.ASYNC_TASK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other run (or test file) uses, for queue prefixes and databases. */
export function uniqueName(label: string): string {
  return `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
