import { InvalidAsyncTaskError } from '../errors/invalid-async-task.error.js';
import { validateSubmission } from './submission.validator.js';

describe('validateSubmission', () => {
  it('stores object params as JSON and normalises the owner', () => {
    expect(validateSubmission({ name: 'n', taskType: 'video.transcode', params: { a: 1 }, uid: 42 }, 100)).toEqual({
      name: 'n',
      taskType: 'video.transcode',
      params: '{"a":1}',
      cpuOverhead: 0,
      id: undefined,
      uid: '42',
      priority: 0,
      delayMs: 0,
      policy: {},
    });
  });

  it('keeps the retry policy fields given, and only those', () => {
    const valid = validateSubmission({ name: 'n', taskType: 't', retries: 2, timeoutMs: 500, backoff: { type: 'fixed', delayMs: 10 } }, 100);
    expect(valid.policy).toEqual({ retries: 2, timeoutMs: 500, backoff: { type: 'fixed', delayMs: 10 } });
    expect(validateSubmission({ name: 'n', taskType: 't', retries: 0 }, 100).policy).toEqual({ retries: 0 });
  });

  it('counts params in UTF-8 bytes', () => {
    expect(() => validateSubmission({ name: 'n', taskType: 't', params: 'é'.repeat(51) }, 100)).toThrow(/params is 102 bytes/);
  });

  it('rejects params that cannot be JSON', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => validateSubmission({ name: 'n', taskType: 't', params: circular }, 100)).toThrow(InvalidAsyncTaskError);
  });
});
