import { Injectable } from '@nestjs/common';
import type { AsyncTaskNodeInfo } from '../interfaces/async-task-node-info.interface.js';
import { RedisConnections } from '../redis/redis-connections.js';

// Removes ids from the list only if their key is still missing, so a node that beats meanwhile stays listed.
const PRUNE_DEAD = `
local removed = 0
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then
    removed = removed + redis.call('SREM', KEYS[1], ARGV[i])
  end
end
return removed`;

/** Reads which nodes are alive: a node is alive while its heartbeat key has not expired. */
@Injectable()
export class NodeRegistry {
  constructor(private readonly redis: RedisConnections) {}

  async listNodes(): Promise<AsyncTaskNodeInfo[]> {
    const { client, keys } = this.redis;
    const ids = await client.smembers(keys.nodeIds);
    if (ids.length === 0) return [];
    const beats = await client.mget(ids.map((id) => keys.node(id)));
    const dead = ids.filter((_, i) => beats[i] === null);
    if (dead.length > 0) await client.eval(PRUNE_DEAD, 1, keys.nodeIds, keys.node(''), ...dead);
    return beats
      .filter((beat): beat is string => beat !== null)
      .map((beat) => JSON.parse(beat) as AsyncTaskNodeInfo)
      .sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  }

  /** The subset of `nodeIds` whose heartbeat is current (checked key by key, not through the list). */
  async aliveAmong(nodeIds: string[]): Promise<Set<string>> {
    if (nodeIds.length === 0) return new Set();
    const { client, keys } = this.redis;
    const pipeline = client.pipeline();
    for (const id of nodeIds) pipeline.exists(keys.node(id));
    const results = (await pipeline.exec()) ?? [];
    return new Set(nodeIds.filter((_, i) => results[i]?.[1] === 1));
  }
}
