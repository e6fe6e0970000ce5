import { Injectable } from '@nestjs/common';
import { RedisConnections } from '../redis/redis-connections.js';

// Deletes the lock only if this node still holds it (it may have expired and gone to another node).
const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * The cluster-wide lock that lets one node at a time run the failover scan (or, under its own key,
 * another periodic job such as retention). Its TTL is short (a node
 * killed while holding it must not delay failover for long) and renewed while a scan goes on.
 */
@Injectable()
export class FailoverLock {
  constructor(private readonly redis: RedisConnections) {}

  /** Runs `scan` if this node gets the lock (`key`, the failover lock by default); false if another node holds it. */
  async runExclusively(owner: string, ttlMs: number, scan: () => Promise<void>, key = this.redis.keys.failoverLock): Promise<boolean> {
    const { client } = this.redis;
    if ((await client.set(key, owner, 'PX', ttlMs, 'NX')) !== 'OK') return false;
    const renewal = setInterval(() => {
      client.eval(EXTEND_IF_OWNER, 1, key, owner, ttlMs).catch(() => undefined);
    }, Math.max(100, Math.floor(ttlMs / 3)));
    try {
      await scan();
    } finally {
      clearInterval(renewal);
      await client.eval(RELEASE_IF_OWNER, 1, key, owner);
    }
    return true;
  }
}
