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

/** PostgreSQL's server-wide processes, whose work (WAL, checkpoints) every database's writes cause. */
const POSTGRES_SERVER_PROCESS = /^\S*postgres -D |: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher)\b/;
const POSTGRES_SAMPLE_MS = 200;

/**
 * CPU time PostgreSQL spends on one run: the backends serving the run's database (one process per
 * connection, so they come and go with the pools: sampled every 200 ms, each counted from its first
 * sighting or from 0 if it was born during the run) plus the server-wide processes. Backends of other
 * databases (other users of the server) are left out. NaN where /proc cannot tell.
 */
export class PostgresCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private found = false;

  constructor(private readonly database: string) {}

  start(): void {
    for (const [pid, ms] of this.read()) this.first.set(pid, ms);
    this.timer = setInterval(() => this.sample(), POSTGRES_SAMPLE_MS);
    this.timer.unref();
  }

  /** Stops sampling; answers the CPU ms the run's PostgreSQL processes used since start(). */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    if (!this.found) return NaN;
    let total = 0;
    for (const [pid, ms] of this.last) total += ms - (this.first.get(pid) ?? 0);
    return total;
  }

  private sample(): void {
    for (const [pid, ms] of this.read()) this.last.set(pid, ms);
  }

  private read(): Map<number, number> {
    const found = new Map<number, number>();
    try {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry) || readText(`/proc/${entry}/comm`)?.trim() !== 'postgres') continue;
        const command = readText(`/proc/${entry}/cmdline`)?.replace(/\0/g, ' ') ?? '';
        if (!command.includes(` ${this.database} `) && !POSTGRES_SERVER_PROCESS.test(command)) continue;
        const ms = cpuMsOf(Number(entry));
        if (Number.isFinite(ms)) found.set(Number(entry), ms);
      }
    } catch {
      // No /proc: the figure stays NaN.
    }
    if (found.size > 0) this.found = true;
    return found;
  }
}
