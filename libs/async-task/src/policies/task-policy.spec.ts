import { InvalidAsyncTaskError } from '../errors/invalid-async-task.error.js';
import { backoffDelayMs, resolveTaskPolicy, validateTaskPolicy } from './task-policy.js';
import type { TaskPolicy } from '../task/task-policy.interface.js';

const fail = (field: string, problem: string): never => {
  throw new InvalidAsyncTaskError(field, problem);
};
const check = (policy: unknown) => validateTaskPolicy(policy as TaskPolicy, fail);

describe('task policy', () => {
  it('rejects bad retries, backoff and timeouts with the field named', () => {
    expect(() => check({ retries: -1 })).toThrow(/retries must be an integer from 0/);
    expect(() => check({ retries: 1.5 })).toThrow(/retries/);
    expect(() => check({ timeoutMs: 0 })).toThrow(/timeoutMs must be an integer from 1/);
    expect(() => check({ timeoutMs: -5 })).toThrow(/timeoutMs/);
    expect(() => check({ backoff: { type: 'linear', delayMs: 1 } })).toThrow(/backoff\.type/);
    expect(() => check({ backoff: { type: 'fixed', delayMs: -1 } })).toThrow(/backoff\.delayMs/);
    expect(() => check({ backoff: { type: 'fixed', delayMs: 0.5 } })).toThrow(/backoff\.delayMs/);
    expect(() => check({ backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 999 } })).toThrow(/backoff\.maxDelayMs must be an integer from backoff\.delayMs \(1000\)/);
    expect(() => check({ backoff: { type: 'fixed', delayMs: 10, jitter: 2 } })).toThrow(/backoff\.jitter/);
    expect(() => check({ backoff: { type: 'fixed', delayMs: 10, extra: 1 } })).toThrow(/unknown field\(s\) extra/);
  });

  it('keeps valid values and fills defaults: submission over type over library', () => {
    expect(check({ retries: 2, timeoutMs: 500, backoff: { type: 'fixed', delayMs: 10, jitter: 0.5 } })).toEqual({
      retries: 2,
      timeoutMs: 500,
      backoff: { type: 'fixed', delayMs: 10, jitter: 0.5 },
    });
    expect(resolveTaskPolicy({ retries: 1 }, { retries: 5, timeoutMs: 100 })).toEqual({
      retries: 1,
      timeoutMs: 100,
      backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 300_000 },
    });
  });

  it('computes fixed and exponential waits, scattered by jitter and capped', () => {
    expect([1, 2, 3].map((retry) => backoffDelayMs({ type: 'fixed', delayMs: 200 }, retry))).toEqual([200, 200, 200]);
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs({ type: 'exponential', delayMs: 100, maxDelayMs: 500 }, retry))).toEqual([100, 200, 400, 500]);
    expect(backoffDelayMs({ type: 'fixed', delayMs: 1000, jitter: 0.2 }, 1, () => 0)).toBe(800);
    expect(backoffDelayMs({ type: 'fixed', delayMs: 1000, jitter: 0.2 }, 1, () => 1)).toBe(1200);
    expect(backoffDelayMs({ type: 'exponential', delayMs: 1000 }, 60)).toBe(300_000);
  });
});
