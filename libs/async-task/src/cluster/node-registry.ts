import { Injectable } from '@nestjs/common';
import type { AsyncTaskNodeInfo } from '../interfaces/async-task-node-info.interface.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { existsEach } from '../redis/slot-groups.js';

// Removes ids from the list only if their key is still missing, so a node that beats meanwhile stays
// listed. KEYS[1] is the list, KEYS[i + 1] the heartbeat key of ARGV[i]: every key it touches is
// declared (Redis Cluster requires it), and all share the registry's hash tag.
const PRUNE_DEAD = `
local removed = 0
for i = 1, #ARGV do
  if redis.call('EXISTS', KEYS[i + 1]) == 0 then
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
    if (dead.length > 0) await client.eval(PRUNE_DEAD, dead.length + 1, keys.nodeIds, ...dead.map((id) => keys.node(id)), ...dead);
    return beats
      .filter((beat): beat is string => beat !== null)
      .map((beat) => JSON.parse(beat) as AsyncTaskNodeInfo)
      .sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  }

  /** The subset of `nodeIds` whose heartbeat is current (checked key by key, not through the list). */
  async aliveAmong(nodeIds: string[]): Promise<Set<string>> {
    if (nodeIds.length === 0) return new Set();
    const { client, keys } = this.redis;
    const alive = await existsEach(client, nodeIds.map((id) => keys.node(id)));
    return new Set(nodeIds.filter((_, i) => alive[i]));
  }
}
