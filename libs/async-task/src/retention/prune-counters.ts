import { Injectable, Logger } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { RedisConnections } from '../redis/redis-connections.js';

/** What retention deleted across the cluster since its Redis data began. */
export interface RetentionCounts {
  /** Ended tasks deleted. */
  tasks: number;
  /** Their log rows (one per attempt) deleted. */
  logs: number;
  /** Transactions it took. */
  batches: number;
}

/** Cluster-wide counters of pruned rows, in one Redis hash (for metrics). Best effort, as PolicyCounters. */
@Injectable()
export class PruneCounters {
  private readonly logger = new Logger(PruneCounters.name);

  constructor(private readonly redis: RedisConnections) {}

  count(tasks: number, logs: number): void {
    const key = this.redis.keys.prunedCounter;
    this.redis.bestEffort
      .multi()
      .hincrby(key, 'tasks', tasks)
      .hincrby(key, 'logs', logs)
      .hincrby(key, 'batches', 1)
      .exec()
      .catch((error: Error) => this.logger.warn(messages.pruneNotCounted(error.message)));
  }

  async read(): Promise<RetentionCounts> {
    const counts = await this.redis.client.hgetall(this.redis.keys.prunedCounter);
    return { tasks: Number(counts.tasks ?? 0), logs: Number(counts.logs ?? 0), batches: Number(counts.batches ?? 0) };
  }
}
