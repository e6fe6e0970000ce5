import { Redis } from 'ioredis';
import { AsyncTaskManager } from '@sfc/async-task';
import { startAsyncTaskContext } from '../nodes/async-task-context.js';
import { BenchDatabase } from '../support/bench-database.js';
import { REDIS_URL, uniqueName, type BenchConfig } from '../support/bench-config.js';
import { deleteKeysWithPrefix, memoryOfKeysWithPrefix } from '../support/redis-keys-cleanup.js';

export interface RedisMemoryRun {
  queuedTasks: number;
  /** INFO memory used_memory after − before, per task (the server is shared: other clients add noise). */
  usedMemoryPerTaskBytes: number;
  /** Sum of MEMORY USAGE over this run's keys, per task (this run's own footprint only). */
  keyMemoryPerTaskBytes: number;
  submitsPerSecond: number;
  /** The submitting node's RSS before and after the submissions (flat = no per-task leak). */
  submitterRssBeforeBytes: number;
  submitterRssAfterBytes: number;
}

/** Queues `queuedTasks` tasks of a type no node runs, through the public API, and weighs them in Redis. */
export async function runRedisMemory(config: BenchConfig): Promise<RedisMemoryRun> {
  const database = new BenchDatabase();
  const prefix = uniqueName('bench_mem');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    await database.create();
    const app = await startAsyncTaskContext(database.url, { redis: REDIS_URL, prefix, worker: false });
    try {
      const manager = app.get(AsyncTaskManager);
      // Warm-up: opens the queue and connections, so the "before" figures do not count them.
      await manager.submitAsyncTask({ name: 'warm-up', taskType: 'bench.unclaimed', params: '' });
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const usedBefore = await usedMemory(redis);
      const started = Date.now();
      let next = 0;
      const caller = async () => {
        while (next < config.queuedTasks) {
          next++;
          await manager.submitAsyncTask({ name: 'queued', taskType: 'bench.unclaimed', params: '' });
        }
      };
      await Promise.all(Array.from({ length: config.submitters }, caller));
      const seconds = (Date.now() - started) / 1000;
      const usedAfter = await usedMemory(redis);
      global.gc?.();
      const rssAfter = process.memoryUsage().rss;
      const own = await memoryOfKeysWithPrefix(redis, prefix);
      return {
        queuedTasks: config.queuedTasks,
        usedMemoryPerTaskBytes: (usedAfter - usedBefore) / config.queuedTasks,
        keyMemoryPerTaskBytes: own.bytes / (config.queuedTasks + 1),
        submitsPerSecond: config.queuedTasks / seconds,
        submitterRssBeforeBytes: rssBefore,
        submitterRssAfterBytes: rssAfter,
      };
    } finally {
      await app.close();
    }
  } finally {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    await database.drop();
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}
