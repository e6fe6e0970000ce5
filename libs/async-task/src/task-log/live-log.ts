import type { Logger } from '@nestjs/common';
import type { RedisClient } from '../interfaces/async-task-redis-option.interface.js';
import { entryFields, isAlreadyStored, type LiveLogEntry } from './live-log.entries.js';
import { describeError } from '../util/describe-error.js';
import { waitAtMost } from '../util/with-timeout.js';

/** Lines wait at most this long, so a chatty task costs one round trip per batch, not per line. */
const FLUSH_DELAY_MS = 20;
/** A batch this large is sent at once; one stream entry holds about this much at most. */
const MAX_ENTRY_CHARS = 64 * 1024;
/** The live stream of a running attempt outlives any quiet spell; refreshed on every write. */
const RUNNING_TTL_MS = 24 * 60 * 60 * 1000;
/** Once the attempt's row is saved, readers still paging through the stream get this long. */
const SAVED_TTL_MS = 10_000;
/** After a failed write, the text waits (in memory, within the attempt's cap) this long for a retry. */
const RETRY_DELAY_MS = 1000;
/** How long the end of an attempt waits for its last batch to reach Redis. */
const END_FLUSH_TIMEOUT_MS = 2000;

/**
 * One attempt's log as it is written, appended to a Redis stream in small batches so any node can
 * read it while the attempt runs. Only text the attempt log accepted comes here, so the stream is
 * bounded by the per-attempt cap without trimming. Best effort: a Redis outage delays lines (they
 * are retried) but never blocks or fails the task; the saved row has the full capped text anyway.
 */
export class LiveLog {
  private pending: string[] = [];
  private pendingChars = 0;
  private readonly unsent: Array<{ id: string; fields: string[] }> = [];
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private flushing: Promise<void> | undefined;
  private retryAfter = 0;
  private failing = false;
  private ended = false;
  /** Whether the attempt wrote any text; an attempt that wrote none never touches Redis. */
  private wroteText = false;

  constructor(
    private readonly connection: RedisClient,
    private readonly key: string,
    private readonly logger: Logger,
  ) {}

  start(node: string, startedAt: Date, reason: string | null = null): void {
    // Sent with the first lines, never alone: an attempt that writes nothing costs no round trip.
    // Readers and the archiver fall back to the record meanwhile.
    this.enqueue({ kind: 'start', node, startedAt, ...(reason ? { reason } : {}) });
  }

  append(text: string): void {
    if (this.ended || !text) return;
    this.wroteText = true;
    this.pending.push(text);
    this.pendingChars += text.length;
    this.schedule(this.pendingChars >= MAX_ENTRY_CHARS ? 0 : FLUSH_DELAY_MS);
  }

  /** Sends what is left and the end marker, waiting a bounded time; never throws. */
  async end(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    if (!this.wroteText) return;
    this.cutPending();
    this.enqueue({ kind: 'end' });
    await waitAtMost(this.sendAll(), END_FLUSH_TIMEOUT_MS);
  }

  /** The attempt's row is saved: the stream only has to outlive readers still on it. */
  expireSoon(): void {
    if (!this.wroteText) return;
    this.connection.pexpire(this.key, SAVED_TTL_MS).catch(() => {});
  }

  private async sendAll(): Promise<void> {
    while (this.unsent.length > 0) {
      await (this.flushing ?? this.flush());
      if (this.failing) return;
    }
  }

  private schedule(delayMs: number): void {
    const due = Date.now() + Math.max(delayMs, this.retryAfter - Date.now());
    if (this.timer && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, due - Date.now());
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.send().finally(() => {
      this.flushing = undefined;
      // Whatever came in meanwhile has waited a round trip already: send it now (or after the retry delay).
      if (!this.ended && (this.pendingChars > 0 || this.unsent.length > 0)) this.schedule(0);
    });
    return this.flushing;
  }

  private async send(): Promise<void> {
    this.cutPending();
    const batch = this.unsent.slice();
    if (batch.length === 0) return;
    const pipeline = this.connection.pipeline();
    for (const { id, fields } of batch) pipeline.xadd(this.key, id, ...fields);
    pipeline.pexpire(this.key, RUNNING_TTL_MS);
    try {
      const results = (await pipeline.exec()) ?? [];
      // Entries are stored in order; count the leading ones Redis accepted (or already had).
      let stored = 0;
      while (stored < batch.length && results[stored] && (!results[stored][0] || isAlreadyStored(results[stored][0]))) stored++;
      this.unsent.splice(0, stored);
      if (stored < batch.length) throw results[stored]?.[0] ?? new Error('no reply');
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(`Live log ${this.key} not written (${describeError(error)}); retrying, the saved log keeps every line`);
      }
      this.failing = true;
      this.retryAfter = Date.now() + RETRY_DELAY_MS;
    }
  }

  /** Moves pending text into entries of at most about MAX_ENTRY_CHARS (chunks are never split). */
  private cutPending(): void {
    let entry = '';
    for (const chunk of this.pending) {
      if (entry && entry.length + chunk.length > MAX_ENTRY_CHARS) {
        this.enqueue({ kind: 'text', text: entry });
        entry = '';
      }
      entry += chunk;
    }
    if (entry) this.enqueue({ kind: 'text', text: entry });
    this.pending = [];
    this.pendingChars = 0;
  }

  private enqueue(entry: LiveLogEntry): void {
    this.unsent.push({ id: `0-${++this.sequence}`, fields: entryFields(entry) });
  }
}
