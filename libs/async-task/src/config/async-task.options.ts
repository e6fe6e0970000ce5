import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import type { Type } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { InvalidAsyncTaskOptionsError } from '../errors/invalid-options.error.js';
import type { AsyncTaskFactory } from '../task/async-task-factory.interface.js';
import type { AsyncTaskModuleOptions } from '../interfaces/async-task-module-options.interface.js';
import { resolveRetention, type ResolvedRetentionOptions } from './retention.options.js';
import type { AsyncTaskScheduleInput } from '../interfaces/async-task-schedule-input.interface.js';
import type { AsyncTaskRedisOption } from '../interfaces/async-task-redis-option.interface.js';
import { redisOptionProblem } from './redis-option.js';

/** Options with every default filled in; what the rest of the library reads. */
export interface ResolvedAsyncTaskOptions {
  redis: AsyncTaskRedisOption;
  prefix: string;
  nodeId: string;
  worker: boolean;
  maxLoad: number;
  factories: Array<Type<AsyncTaskFactory> | AsyncTaskFactory>;
  heartbeatIntervalMs: number;
  nodeTimeoutMs: number;
  failoverIntervalMs: number;
  maxLogBytesPerAttempt: number;
  maxOfflineAttempts: number;
  maxParamsBytes: number;
  shutdownGraceMs: number;
  progressTtlMs: number;
  startupTimeoutMs: number;
  schedules: AsyncTaskScheduleInput[];
  retention: ResolvedRetentionOptions;
}

export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The one place where defaults are merged and options validated (start-up fails on bad input). */
export function resolveOptions(options: AsyncTaskModuleOptions = {}): ResolvedAsyncTaskOptions {
  const resolved: ResolvedAsyncTaskOptions = {
    redis: options.redis ?? 'redis://127.0.0.1:6379',
    prefix: options.prefix ?? 'async-task',
    nodeId: options.nodeId ?? defaultNodeId(),
    worker: options.worker ?? true,
    maxLoad: options.maxLoad ?? availableParallelism() * 100 - 10,
    factories: options.factories ?? [],
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    nodeTimeoutMs: options.nodeTimeoutMs ?? 5000,
    failoverIntervalMs: options.failoverIntervalMs ?? 2000,
    maxLogBytesPerAttempt: options.maxLogBytesPerAttempt ?? 1024 * 1024,
    maxOfflineAttempts: options.maxOfflineAttempts ?? 3,
    maxParamsBytes: options.maxParamsBytes ?? 64 * 1024,
    shutdownGraceMs: options.shutdownGraceMs ?? 0,
    progressTtlMs: options.progressTtlMs ?? 60_000,
    startupTimeoutMs: options.startupTimeoutMs ?? 5000,
    schedules: options.schedules ?? [],
    retention: resolveRetention(options.retention, fail),
  };
  validate(resolved);
  return resolved;
}

function validate(o: ResolvedAsyncTaskOptions): void {
  const redisProblem = redisOptionProblem(o.redis);
  if (redisProblem) fail('redis', redisProblem);
  if (typeof o.prefix !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(o.prefix)) {
    // No "{}" either: the library puts the Redis Cluster hash tags into its keys itself (see redis-keys.ts).
    fail('prefix', messages.prefixShape());
  }
  if (typeof o.nodeId !== 'string' || !/^[^\s]{1,128}$/.test(o.nodeId)) {
    fail('nodeId', 'must be a non-empty string of at most 128 characters without spaces');
  }
  if (typeof o.worker !== 'boolean') fail('worker', 'must be true or false');
  positiveInteger('maxLoad', o.maxLoad);
  if (!Array.isArray(o.factories)) fail('factories', 'must be an array of factory classes or instances');
  positiveInteger('heartbeatIntervalMs', o.heartbeatIntervalMs);
  positiveInteger('nodeTimeoutMs', o.nodeTimeoutMs);
  if (o.nodeTimeoutMs < 2 * o.heartbeatIntervalMs) {
    fail('nodeTimeoutMs', `must be at least twice heartbeatIntervalMs (${o.heartbeatIntervalMs}), or busy nodes look dead`);
  }
  positiveInteger('failoverIntervalMs', o.failoverIntervalMs);
  positiveInteger('maxLogBytesPerAttempt', o.maxLogBytesPerAttempt);
  positiveInteger('maxOfflineAttempts', o.maxOfflineAttempts);
  positiveInteger('maxParamsBytes', o.maxParamsBytes);
  if (o.maxParamsBytes > 16 * 1024 * 1024 - 1) fail('maxParamsBytes', 'must fit a MEDIUMTEXT column (under 16 MiB)');
  nonNegativeInteger('shutdownGraceMs', o.shutdownGraceMs);
  positiveInteger('progressTtlMs', o.progressTtlMs);
  positiveInteger('startupTimeoutMs', o.startupTimeoutMs);
  if (!Array.isArray(o.schedules)) fail('schedules', 'must be an array of schedules');
}

function positiveInteger(option: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) fail(option, `must be a positive integer, got ${String(value)}`);
}

function nonNegativeInteger(option: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(option, `must be an integer ≥ 0, got ${String(value)}`);
}

function fail(option: string, problem: string): never {
  throw new InvalidAsyncTaskOptionsError(option, problem);
}
