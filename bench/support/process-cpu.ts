import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time of the local database and Redis servers, read from /proc. The throughput of a contender is
 * bounded by the whole machine's CPU, and batching mostly saves the servers' share, so the table shows
 * it per task. Best effort: on a machine without /proc, or with remote services, the figures are NaN.
 */
export class ServerCpu {
  private constructor(private readonly pids: { mysql?: number; redis: number[] }) {}

  /** `redisPorts`: Redis titles its process "redis-server host:port", which tells ours from others. */
  static find(redisPorts: number[]): ServerCpu {
    const pids: { mysql?: number; redis: number[] } = { redis: [] };
    try {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const name = readText(`/proc/${entry}/comm`)?.trim();
        if (name === 'mariadbd' || name === 'mysqld') pids.mysql ??= Number(entry);
        const cmdline = name === 'redis-server' ? readText(`/proc/${entry}/cmdline`) : undefined;
        if (cmdline && redisPorts.some((port) => cmdline.includes(`:${port}`))) pids.redis.push(Number(entry));
      }
    } catch {
      // No /proc: figures stay NaN.
    }
    return new ServerCpu(pids);
  }

  /** CPU milliseconds used so far by each server (NaN where unknown). */
  read(): { mysqlMs: number; redisMs: number } {
    const redisMs = this.pids.redis.length === 0 ? NaN : this.pids.redis.reduce((sum, pid) => sum + cpuMsOf(pid), 0);
    return { mysqlMs: cpuMsOf(this.pids.mysql), redisMs };
  }
}

function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return NaN;
  // Fields after the command name (which may hold spaces) start at ")": utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
