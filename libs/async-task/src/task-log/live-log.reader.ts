import type { ClusterEvents } from '../cluster/cluster-events.js';
import type { RedisConnections } from '../redis/redis-connections.js';
import type { RedisClient } from '../interfaces/async-task-redis-option.interface.js';
import { parseXreadReply, type StoredEntry } from './live-log.entries.js';
import type { LogFollowReader } from './log-follow.reader.js';

/** Entries per read: with entries of at most ~64 KiB, a page stays around a MiB at worst. */
const PAGE_ENTRIES = 16;

/** Reads one attempt's live stream from its start, a page at a time. */
export class LiveLogCursor {
  private lastId = '0-0';

  constructor(
    private readonly redis: RedisConnections,
    private readonly key: string,
    private readonly follower?: LogFollower,
  ) {}

  /** The next page, without waiting; empty when the reader has caught up with the writer. */
  async next(): Promise<StoredEntry[]> {
    return this.advance(parseXreadReply(await this.redis.client.xread('COUNT', PAGE_ENTRIES, 'STREAMS', this.key, this.lastId)));
  }

  /** Following only: waits up to `ms` for new entries; empty on timeout or when the task's exit is announced. */
  async wait(ms: number): Promise<StoredEntry[]> {
    if (!this.follower) return [];
    return this.advance(await this.follower.read(this.key, this.lastId, ms));
  }

  private advance(entries: StoredEntry[]): StoredEntry[] {
    if (entries.length > 0) this.lastId = entries[entries.length - 1].id;
    return entries;
  }
}

/**
 * What a following log stream holds while it is open: a place among the node's shared followed-log
 * reader's waiters (see LogFollowReader), and an ear for its task's exit so it ends without waiting
 * for a read to time out. Closed with the stream.
 */
export class LogFollower {
  private unsubscribe: () => void = () => {};
  private exitAnnounced = false;
  private wake: () => void = () => {};

  constructor(
    private readonly reader: LogFollowReader,
    private readonly events: ClusterEvents,
    private readonly taskId: string,
  ) {}

  async listen(): Promise<void> {
    this.unsubscribe = await this.events.on('exit', (event) => {
      if (event.taskId !== this.taskId) return;
      this.exitAnnounced = true;
      this.wake();
    });
  }

  /** Waits up to `ms` for entries after `afterId`; returns empty at once when the exit is (or was) announced. */
  async read(key: string, afterId: string, ms: number): Promise<StoredEntry[]> {
    if (this.takeExit()) return [];
    const exited = new AbortController();
    this.wake = () => exited.abort();
    try {
      const entries = await this.reader.read(key, afterId, ms, exited.signal);
      if (exited.signal.aborted) this.takeExit();
      return entries;
    } finally {
      this.wake = () => {};
    }
  }

  close(): void {
    this.unsubscribe();
    this.wake();
  }

  private takeExit(): boolean {
    const announced = this.exitAnnounced;
    this.exitAnnounced = false;
    return announced;
  }
}
