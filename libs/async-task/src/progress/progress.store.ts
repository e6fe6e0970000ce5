import { Inject, Injectable } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { ProgressRecord, type ProgressSnapshot } from '../task/progress-record.js';
import { RedisConnections } from '../redis/redis-connections.js';

/**
 * Writes the sample only if no newer attempt wrote one: an attempt that was failed over and still
 * runs somewhere (until it notices) can never overwrite the progress of the attempt that owns the task.
 */
const WRITE_UNLESS_NEWER_ATTEMPT = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and tonumber(stored.attempt) and tonumber(stored.attempt) > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

interface StoredProgress extends ProgressSnapshot {
  attempt: number;
}

/** A JSON copy of each task's latest progress in Redis, readable from any node; expires `progressTtlMs` after its last write. */
@Injectable()
export class ProgressStore {
  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly redis: RedisConnections,
  ) {}

  /** False when a newer attempt's progress is stored (this one's write was refused). */
  async write(taskId: string, attempt: number, snapshot: ProgressSnapshot): Promise<boolean> {
    const stored: StoredProgress = { ...snapshot, attempt };
    const written = await this.redis.bestEffort.eval(
      WRITE_UNLESS_NEWER_ATTEMPT,
      1,
      this.redis.keys.progress(taskId),
      JSON.stringify(stored),
      attempt,
      this.options.progressTtlMs,
    );
    return written === 1;
  }

  /** A new ProgressRecord built from the stored copy, or null when none is stored (or it expired). */
  async read(taskId: string): Promise<ProgressRecord | null> {
    const json = await this.redis.client.get(this.redis.keys.progress(taskId));
    if (!json) return null;
    const { total, loaded, speed, lastUpdateTime, sampledAt } = JSON.parse(json) as StoredProgress;
    return ProgressRecord.from({ total, loaded, speed, lastUpdateTime, sampledAt });
  }
}
