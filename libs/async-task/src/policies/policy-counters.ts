import { Injectable, Logger } from '@nestjs/common';
import { RedisConnections } from '../redis/redis-connections.js';

/** Retries and timeouts the cluster has had for one task type, since its Redis data began. */
export interface TaskPolicyCounts {
  taskType: string;
  retries: number;
  timeouts: number;
}

/**
 * Cluster-wide counters of retries and timeouts per task type, kept in Redis (one HINCRBY when a
 * retry or timeout happens; a task that never fails never touches them). Best effort: a count lost
 * to a Redis outage only makes a metric low.
 */
@Injectable()
export class PolicyCounters {
  private readonly logger = new Logger(PolicyCounters.name);

  constructor(private readonly redis: RedisConnections) {}

  count(kind: 'retries' | 'timeouts', taskType: string): void {
    this.redis.bestEffort
      .hincrby(this.redis.keys.policyCounter(kind), taskType, 1)
      .catch((error: Error) => this.logger.warn(`Could not count a ${kind === 'retries' ? 'retry' : 'timeout'} of "${taskType}": ${error.message}`));
  }

  async read(): Promise<TaskPolicyCounts[]> {
    const [retries, timeouts] = await Promise.all([
      this.redis.client.hgetall(this.redis.keys.policyCounter('retries')),
      this.redis.client.hgetall(this.redis.keys.policyCounter('timeouts')),
    ]);
    const types = [...new Set([...Object.keys(retries), ...Object.keys(timeouts)])].sort();
    return types.map((taskType) => ({ taskType, retries: Number(retries[taskType] ?? 0), timeouts: Number(timeouts[taskType] ?? 0) }));
  }
}
