import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { isCluster } from '../redis/redis-client.factory.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { groupBySlot } from '../redis/slot-groups.js';
import { parseXreadMultiReply, type StoredEntry } from './live-log.entries.js';

/** Entries per stream per read, as for a single follower. */
const PAGE_ENTRIES = 16;
/** Longest blocking read; waiters have their own deadlines, this only bounds an idle loop. */
const BLOCK_MS = 5000;
/** On a Redis Cluster, how often the followed streams are read (see pollLoop). */
const CLUSTER_POLL_MS = 50;

interface Waiter {
  key: string;
  afterId: string;
  settle(entries: StoredEntry[]): void;
}

/**
 * All log followers of this node share this one reader: a single Redis connection whose blocking
 * XREAD names every followed stream at once, so a thousand followers cost one connection, not a
 * thousand. A follower waiting on a stream the current read does not cover wakes that read (CLIENT
 * UNBLOCK from the command connection), so it joins at once. On a Redis Cluster (one XREAD may only
 * name streams of one slot) it polls instead: see pollLoop.
 */
@Injectable()
export class LogFollowReader {
  private readonly logger = new Logger(LogFollowReader.name);
  private readonly waiters = new Set<Waiter>();
  private connection: Redis | undefined;
  private connectionId: Promise<number | undefined> | undefined;
  /** Stream → id the read in flight asked from; undefined while no read is in flight. */
  private reading: Map<string, string> | undefined;
  private closed = false;

  constructor(private readonly redis: RedisConnections) {}

  /**
   * Entries of stream `key` after `afterId`, as soon as there are some; empty after `ms` or when
   * `signal` aborts (then the waiter is forgotten at once).
   */
  read(key: string, afterId: string, ms: number, signal?: AbortSignal): Promise<StoredEntry[]> {
    if (this.closed || signal?.aborted) return Promise.resolve([]);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        key,
        afterId,
        settle: (entries) => {
          if (!this.waiters.delete(waiter)) return;
          clearTimeout(timer);
          signal?.removeEventListener('abort', abandon);
          resolve(entries);
        },
      };
      const abandon = () => waiter.settle([]);
      const timer = setTimeout(abandon, ms);
      signal?.addEventListener('abort', abandon, { once: true });
      this.waiters.add(waiter);
      if (!this.reading) void this.loop();
      else if (!covers(this.reading, key, afterId)) void this.wakeRead();
    });
  }

  /** How many followers wait right now (for tests and metrics). */
  get waiting(): number {
    return this.waiters.size;
  }

  /** Ends every wait and drops the connection at once (called by the lifecycle at shutdown). */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.settle([]);
    if (this.connection) this.redis.drop(this.connection);
    this.connection = undefined;
  }

  /** Each followed stream with the earliest id a waiter on it needs. */
  private wanted(): Map<string, string> {
    const streams = new Map<string, string>();
    for (const { key, afterId } of this.waiters) {
      const current = streams.get(key);
      if (current === undefined || compareIds(afterId, current) < 0) streams.set(key, afterId);
    }
    return streams;
  }

  private settleFrom(reply: Map<string, StoredEntry[]>): void {
    for (const waiter of [...this.waiters]) {
      const entries = (reply.get(waiter.key) ?? []).filter((stored) => compareIds(stored.id, waiter.afterId) > 0);
      if (entries.length > 0) waiter.settle(entries);
    }
  }

  private async loop(): Promise<void> {
    if (isCluster(this.redis.client)) return this.pollLoop();
    while (this.waiters.size > 0 && !this.closed) {
      const streams = this.wanted();
      this.reading = streams;
      let reply: Map<string, StoredEntry[]>;
      try {
        reply = parseXreadMultiReply(await this.open().xread('COUNT', PAGE_ENTRIES, 'BLOCK', BLOCK_MS, 'STREAMS', ...streams.keys(), ...streams.values()));
      } catch (error) {
        if (this.closed) break;
        this.logger.warn(`Reading followed logs failed (${(error as Error).message}); followers retry on their own`);
        for (const waiter of [...this.waiters]) waiter.settle([]);
        break;
      }
      this.settleFrom(reply);
    }
    this.reading = undefined;
  }

  /**
   * On a Redis Cluster one XREAD may only name streams of one slot, and CLIENT UNBLOCK would have to
   * reach the very node connection of the blocked read: there the reader polls instead — every
   * CLUSTER_POLL_MS, one non-blocking XREAD per slot over the shared command connection, all at once
   * (a line reaches its follower within about that interval; nothing blocks a node's connection).
   */
  private async pollLoop(): Promise<void> {
    this.reading = new Map(); // a loop runs; new waiters join at its next round, no wake-up needed
    const client = this.redis.client;
    while (this.waiters.size > 0 && !this.closed) {
      const streams = this.wanted();
      const keys = [...streams.keys()];
      try {
        const replies = await Promise.all(
          groupBySlot(keys).map(async (indexes) => {
            const slotKeys = indexes.map((i) => keys[i]!);
            return parseXreadMultiReply(await client.xread('COUNT', PAGE_ENTRIES, 'STREAMS', ...slotKeys, ...slotKeys.map((key) => streams.get(key)!)));
          }),
        );
        for (const reply of replies) this.settleFrom(reply);
      } catch (error) {
        if (this.closed) break;
        this.logger.warn(`Reading followed logs failed (${(error as Error).message}); followers retry on their own`);
        for (const waiter of [...this.waiters]) waiter.settle([]);
        break;
      }
      if (this.waiters.size > 0) await new Promise((resolve) => setTimeout(resolve, CLUSTER_POLL_MS));
    }
    this.reading = undefined;
  }

  /** Ends the blocking read in flight early (it answers as if timed out) so the next one covers new streams. */
  private async wakeRead(): Promise<void> {
    if (isCluster(this.redis.client)) return; // polling: the next round covers it
    try {
      const id = await this.connectionId;
      if (id !== undefined) await this.redis.client.client('UNBLOCK', id);
    } catch (error) {
      this.logger.warn(`Could not wake the followed-log reader: ${(error as Error).message}`);
    }
  }

  private open(): Redis {
    if (!this.connection) {
      // One server only (loop() polls instead on a Cluster), so a plain connection.
      const connection = this.redis.open('log-followers') as Redis;
      this.connection = connection;
      // The id changes with each reconnection; learnt before any blocking read on the new socket.
      const learnId = () => {
        this.connectionId = (connection.client('ID') as Promise<number>).catch(() => undefined);
      };
      learnId();
      connection.on('ready', learnId);
    }
    return this.connection;
  }
}

/** Whether a read from `reading` also delivers what a waiter for `key` after `afterId` needs. */
function covers(reading: Map<string, string>, key: string, afterId: string): boolean {
  const from = reading.get(key);
  return from !== undefined && compareIds(from, afterId) <= 0;
}

/** Orders stream ids (`<ms>-<seq>`). */
function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number);
  const [bMs, bSeq] = b.split('-').map(Number);
  return aMs - bMs || (aSeq ?? 0) - (bSeq ?? 0);
}
