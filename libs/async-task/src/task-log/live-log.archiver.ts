import { Injectable, Logger } from '@nestjs/common';
import { RedisConnections } from '../redis/redis-connections.js';
import { LiveLogCursor } from './live-log.reader.js';
import { formatLogLine } from '../task/log-line.format.js';
import { TaskLogStore } from './task-log.store.js';
import { describeError } from '../util/describe-error.js';

/** How long the live stream stays after its text was archived (readers still on it finish). */
const ARCHIVED_TTL_MS = 10_000;

/**
 * Keeps the partial log of an attempt whose node died: its live stream (bounded by the per-attempt
 * cap) becomes the attempt's row, with a closing line saying why it ends there. Run by the failover
 * scan after it took the attempt over; a row the attempt saved itself is left as it is.
 */
@Injectable()
export class LiveLogArchiver {
  private readonly logger = new Logger(LiveLogArchiver.name);

  constructor(
    private readonly redis: RedisConnections,
    private readonly logs: TaskLogStore,
  ) {}

  /** Never throws: a log that cannot be archived stays readable live until its stream expires. */
  async archive(taskId: string, attempt: number, lostNode: string | null): Promise<void> {
    try {
      const key = this.redis.keys.liveLog(taskId, attempt);
      const cursor = new LiveLogCursor(this.redis, key);
      const texts: string[] = [];
      let start: { node: string; startedAt: Date; reason?: string } | undefined;
      for (let page = await cursor.next(); page.length > 0; page = await cursor.next()) {
        for (const { entry } of page) {
          if (entry.kind === 'start') start = entry;
          if (entry.kind === 'text') texts.push(entry.text);
        }
      }
      if (!start && texts.length === 0) return;
      const text = texts.join('');
      const node = start?.node ?? lostNode;
      await this.logs.saveAttempt({
        taskId,
        attempt,
        executor: node,
        log: `${text}${text && !text.endsWith('\n') ? '\n' : ''}${formatLogLine('WARN', `node ${node ?? 'unknown'} was lost; this attempt's log ends here`)}`,
        truncated: /\] log truncated: this attempt's log reached its cap/.test(text),
        startedAt: start?.startedAt ?? new Date(),
        finishedAt: new Date(),
        startReason: start?.reason ?? null,
      });
      await this.redis.client.pexpire(key, ARCHIVED_TTL_MS);
    } catch (error) {
      this.logger.warn(`Could not keep the log of task ${taskId} attempt ${attempt}: ${describeError(error)}`);
    }
  }
}
