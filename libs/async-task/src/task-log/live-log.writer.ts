import { Inject, Injectable, Logger } from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { LiveLog } from './live-log.js';

/** Opens the live log of each attempt this node runs. */
@Injectable()
export class LiveLogWriter {
  private readonly logger = new Logger(LiveLogWriter.name);

  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly redis: RedisConnections,
  ) {}

  /** `reason`: why the attempt started (none for a first run), shown in its header. */
  open(taskId: string, attempt: number, startedAt: Date, reason: string | null = null): LiveLog {
    const live = new LiveLog(this.redis.bestEffort, this.redis.keys.liveLog(taskId, attempt), this.logger);
    live.start(this.options.nodeId, startedAt, reason);
    return live;
  }
}
