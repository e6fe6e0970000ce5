import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { AsyncTaskStatus, isFinalStatus } from '../enums/async-task-status.enum.js';
import { ClusterEvents } from '../cluster/cluster-events.js';
import type { AsyncTaskRecord } from '../entities/async-task-record.entity.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { TaskRecordStore } from '../persistence/task-record.store.js';
import { LiveLogCursor, LogFollower } from './live-log.reader.js';
import { formatAttemptHeader } from '../task/log-line.format.js';
import { startReasonOf } from '../policies/attempt-end.policy.js';
import { TaskLogStore } from './task-log.store.js';

/** Longest wait of a follower's blocking read; it re-checks the task's record at least this often. */
const FOLLOW_BLOCK_MS = 1000;
/** Once a followed attempt stops running, how long its last lines (end marker or saved row) may take. */
const ATTEMPT_END_GRACE_MS = 5000;

/**
 * Serves `AsyncTaskManager.getTaskLog()`: saved attempts from MySQL one row at a time, a running
 * attempt from its live Redis stream a page at a time, and — when following — new lines as they come.
 */
@Injectable()
export class TaskLogReader {
  constructor(
    private readonly redis: RedisConnections,
    private readonly records: TaskRecordStore,
    private readonly logs: TaskLogStore,
    private readonly events: ClusterEvents,
  ) {}

  /** The caller has checked that the task exists. */
  open(taskId: string, withHistory: boolean, follow: boolean): Readable {
    const follower = follow ? new LogFollower(this.redis, this.events, taskId) : undefined;
    return Readable.from(this.read(taskId, withHistory, follower), { objectMode: false, encoding: 'utf8' });
  }

  private async *read(taskId: string, withHistory: boolean, follower: LogFollower | undefined): AsyncGenerator<string> {
    try {
      // Listening before the first look, so an exit in between is not missed.
      await follower?.listen();
      let record = await this.records.findById(taskId);
      let attempt = withHistory ? 1 : Math.max(1, record?.attempt ?? 1);
      let atLineStart = true;
      while (record) {
        if (attempt > record.attempt) {
          // Not started yet: only a follower waits for it, and only while the task can still run.
          if (!follower || isFinalStatus(record.status)) return;
          await new LiveLogCursor(this.redis, this.redis.keys.liveLog(taskId, attempt), follower).wait(FOLLOW_BLOCK_MS);
        } else {
          for await (const piece of this.readAttempt(record, attempt, follower)) {
            if (piece.header && !atLineStart) yield '\n';
            yield piece.text;
            if (piece.text) atLineStart = piece.text.endsWith('\n');
          }
          attempt++;
        }
        record = await this.records.findById(taskId);
      }
    } finally {
      follower?.close();
    }
  }

  /** One attempt under its header: its saved row if there is one, else its live stream. */
  private async *readAttempt(
    record: AsyncTaskRecord,
    attempt: number,
    follower: LogFollower | undefined,
  ): AsyncGenerator<{ text: string; header?: true }> {
    const { id: taskId } = record;
    const saved = await this.logs.findAttempt(taskId, attempt);
    if (saved) {
      yield { header: true, text: formatAttemptHeader(attempt, saved.executor, saved.startedAt, saved.startReason) };
      yield { text: saved.log };
      return;
    }
    // Not saved (yet): running, ending, or lost with its node. Its stream opens with who runs it.
    const cursor = new LiveLogCursor(this.redis, this.redis.keys.liveLog(taskId, attempt), follower);
    let page = await cursor.next();
    const start = page[0]?.entry.kind === 'start' ? page[0].entry : undefined;
    const current = record.attempt === attempt && record.status === AsyncTaskStatus.RUNNING;
    if (!start && page.length === 0 && !current) return;
    // Without a start entry yet (nothing written so far), the record tells who runs it and why.
    const reason = start ? (start.reason ?? null) : current ? startReasonOf(record) : null;
    yield { header: true, text: formatAttemptHeader(attempt, start?.node ?? record.executor, start?.startedAt ?? record.startedAt, reason) };

    let emitted = 0;
    let graceEnds = Number.POSITIVE_INFINITY;
    // A follower looks at the record only when the writer has gone quiet, not after every batch.
    let quiet = true;
    for (;;) {
      for (const { entry } of page) {
        if (entry.kind === 'end') return;
        if (entry.kind === 'text') {
          emitted += entry.text.length;
          yield { text: entry.text };
        }
      }
      if (page.length > 0) {
        page = await cursor.next();
        continue;
      }
      // Caught up with the writer.
      let running = true;
      if (!follower || quiet) {
        const latest = follower ? await this.records.findById(taskId) : record;
        running = latest?.attempt === attempt && latest.status === AsyncTaskStatus.RUNNING;
        if (!follower || !running) {
          // The row, once saved, holds the same text as the stream: serve the rest from it.
          const row = await this.logs.findAttempt(taskId, attempt);
          if (row) {
            yield { text: row.log.slice(emitted) };
            return;
          }
          // A follower gives a stopped attempt a moment for its last lines; a lost node never sends them.
          if (!follower || !latest || isFinalStatus(latest.status)) return;
          graceEnds = Math.min(graceEnds, Date.now() + ATTEMPT_END_GRACE_MS);
          if (Date.now() > graceEnds) return;
        }
      }
      page = await cursor.wait(running ? FOLLOW_BLOCK_MS : 250);
      quiet = page.length === 0;
    }
  }
}
