import { Redis } from 'ioredis';
import type { Logger } from 'typeorm';

/**
 * Counts the Redis commands and SQL statements a bench node sends, to see how many round trips a
 * task costs. Bench-only instrumentation of this process: every ioredis client (BullMQ's included)
 * goes through Redis.prototype.sendCommand; pipelined batches are not counted.
 */
export const roundTrips = { redisCommands: 0, sqlQueries: 0 };

export function countRedisCommands(): void {
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    roundTrips.redisCommands++;
    return send.apply(this, args);
  };
}

/** A TypeORM logger (with `logging: ['query']`) that only counts statements. */
export const sqlQueryCounter: Logger = {
  logQuery: () => void roundTrips.sqlQueries++,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};
