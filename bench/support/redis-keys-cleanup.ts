import type { Redis } from 'ioredis';

/** Deletes every key under a run's prefix (queues, our own keys), so runs leave nothing behind. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  await forEachKeyBatch(redis, prefix, (keys) => redis.unlink(...keys));
}

/** Sum of MEMORY USAGE of every key under a prefix: this run's own footprint, whatever else shares the server. */
export async function memoryOfKeysWithPrefix(redis: Redis, prefix: string): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  await forEachKeyBatch(redis, prefix, async (batch) => {
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    for (const [, usage] of (await pipeline.exec()) ?? []) bytes += Number(usage ?? 0);
    keys += batch.length;
  });
  return { keys, bytes };
}

async function forEachKeyBatch(redis: Redis, prefix: string, each: (keys: string[]) => Promise<unknown>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await each(keys);
  } while (cursor !== '0');
}
