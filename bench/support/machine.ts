import { cpus, loadavg, totalmem, release } from 'node:os';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { MYSQL_URL } from './bench-config.js';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  redis: string;
  mysql: string;
  /** 1-minute load average when the run started: other work on the machine makes figures noisy. */
  loadAverageAtStart: number;
}

export async function describeMachine(redis: Redis): Promise<Machine> {
  const server = new DataSource({ type: 'mysql', url: MYSQL_URL });
  await server.initialize();
  try {
    const [row] = await server.query('SELECT VERSION() AS version');
    const info = await redis.info('server');
    return {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      os: `${process.platform} ${release()}`,
      node: process.version,
      redis: /^redis_version:(.+)$/m.exec(info)?.[1].trim() ?? 'unknown',
      mysql: String(row.version),
      loadAverageAtStart: Math.round(loadavg()[0] * 100) / 100,
    };
  } finally {
    await server.destroy();
  }
}
