import { Injectable } from '@nestjs/common';
import { RedisConnections } from './redis-connections.js';

// Deletes the lock only if this node still holds it (it may have expired and gone to another node).
const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The cluster-wide lock that lets one node at a time run the failover scan. */
@Injectable()
export class FailoverLock {
  constructor(private readonly redis: RedisConnections) {}

  async acquire(owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.client.set(this.redis.keys.failoverLock, owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(owner: string): Promise<void> {
    await this.redis.client.eval(RELEASE_IF_OWNER, 1, this.redis.keys.failoverLock, owner);
  }
}
