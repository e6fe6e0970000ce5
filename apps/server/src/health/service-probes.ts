import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';

export interface ProbeResult {
  up: boolean;
  latencyMs: number;
  error?: string;
}

const PROBE_TIMEOUT_MS = 2000;

/** Pings Redis (on a connection of its own that fails fast) and MySQL (through the app's DataSource). */
@Injectable()
export class ServiceProbes implements OnApplicationShutdown {
  private redis: Redis | undefined;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly dataSource: DataSource,
  ) {}

  redisUp(): Promise<ProbeResult> {
    this.redis ??= this.openRedis();
    const redis = this.redis;
    return probe(async () => {
      if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
      await redis.ping();
    });
  }

  mysqlUp(): Promise<ProbeResult> {
    return probe(() => this.dataSource.query('SELECT 1'));
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  private openRedis(): Redis {
    // Commands fail at once while disconnected, instead of queueing until Redis is back.
    const redis = new Redis(this.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectionName: 'server-health' });
    redis.on('error', () => {}); // the probe reports it
    return redis;
  }
}

async function probe(check: () => Promise<unknown>): Promise<ProbeResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS))),
    ]);
    return { up: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { up: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
