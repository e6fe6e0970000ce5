import type { RedisClient } from '../interfaces/async-task-redis-option.interface.js';

/**
 * The part of `key` Redis Cluster hashes: the first non-empty `{…}`, else the whole key. Keys with the
 * same hash tag live in the same slot, so they may share a pipeline, a MULTI or a script.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

/** Indexes of `keys` grouped by hash tag (same tag, same slot), in order of first appearance. */
export function groupBySlot(keys: string[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const [i, key] of keys.entries()) {
    const tag = hashTagOf(key);
    const group = groups.get(tag);
    if (group) group.push(i);
    else groups.set(tag, [i]);
  }
  return [...groups.values()];
}

/**
 * Whether each key exists: one pipeline per slot, all sent at once. A Redis Cluster refuses a
 * pipeline whose keys live on different nodes; one server takes the same path.
 */
export async function existsEach(client: RedisClient, keys: string[]): Promise<boolean[]> {
  const found = new Array<boolean>(keys.length).fill(false);
  await Promise.all(
    groupBySlot(keys).map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const i of indexes) pipeline.exists(keys[i]);
      const results = (await pipeline.exec()) ?? [];
      for (const [n, i] of indexes.entries()) {
        const [error, value] = results[n] ?? [];
        if (error) throw error;
        found[i] = value === 1;
      }
    }),
  );
  return found;
}
