import { availableParallelism } from 'node:os';
import { resolveOptions } from './async-task.options.js';
import { InvalidAsyncTaskOptionsError } from '../errors/invalid-options.error.js';

describe('resolveOptions', () => {
  it('fills every default', () => {
    const options = resolveOptions({});
    expect(options).toMatchObject({
      redis: 'redis://127.0.0.1:6379',
      prefix: 'async-task',
      worker: true,
      maxLoad: availableParallelism() * 100 - 10,
      heartbeatIntervalMs: 1000,
      nodeTimeoutMs: 5000,
      failoverIntervalMs: 2000,
      maxLogBytesPerAttempt: 1024 * 1024,
      maxOfflineAttempts: 3,
      maxParamsBytes: 65536,
      shutdownGraceMs: 0,
    });
    expect(options.nodeId).toMatch(/-\d+-[0-9a-f]{6}$/);
    expect(resolveOptions({}).nodeId).not.toBe(options.nodeId);
  });

  it.each([
    [{ redis: 'localhost:6379' }, 'redis'],
    [{ prefix: 'a:b' }, 'prefix'],
    [{ nodeId: 'has space' }, 'nodeId'],
    [{ maxLoad: 0 }, 'maxLoad'],
    [{ maxLoad: 10.5 }, 'maxLoad'],
    [{ heartbeatIntervalMs: 1000, nodeTimeoutMs: 1500 }, 'nodeTimeoutMs'],
    [{ maxOfflineAttempts: 0 }, 'maxOfflineAttempts'],
    [{ shutdownGraceMs: -1 }, 'shutdownGraceMs'],
    [{ worker: 'yes' }, 'worker'],
  ])('rejects %j naming option %s', (input, option) => {
    expect(() => resolveOptions(input as never)).toThrow(InvalidAsyncTaskOptionsError);
    expect(() => resolveOptions(input as never)).toThrow(`option "${option}"`);
  });
});
