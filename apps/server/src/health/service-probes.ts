import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createRedisClient, type RedisClient } from '@sfc/async-task';
import { DataSource } from 'typeorm';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';

export interface ProbeResult {
  up: boolean;
  /** Redis only: a Redis Cluster, or one server (direct or through Sentinel). */
  mode?: 'cluster' | 'single';
  latencyMs: number;
  error?: string;
}

const PROBE_TIMEOUT_MS = 2000;

/** Pings Redis (on a connection of its own that fails fast) and MySQL (through the app's DataSource). */
@Injectable()
export class ServiceProbes implements OnApplicationShutdown {
  private redis: RedisClient | undefined;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly dataSource: DataSource,
  ) {}

  redisUp(): Promise<ProbeResult> {
    this.redis ??= this.openRedis();
    const redis = this.redis;
    const mode = redis.isCluster ? 'cluster' : 'single';
    return probe(async () => {
      if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
      if (!redis.isCluster) return void (await redis.ping());
      // A cluster that answers can still have slots no master serves: then some queues are down.
      const info = (await redis.cluster('INFO')) as string;
      if (!info.includes('cluster_state:ok')) throw new Error(`cluster state is ${/cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown'}`);
    }).then((result) => ({ ...result, mode }));
  }

  mysqlUp(): Promise<ProbeResult> {
    return probe(() => this.dataSource.query('SELECT 1'));
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  private openRedis(): RedisClient {
    // The same Redis as the library's (one server, Sentinel or Cluster). Commands fail at once while
    // disconnected, instead of queueing until Redis is back.
    const redis = createRedisClient(this.config.redis, 'server-health', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectionName: 'server-health',
    });
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
