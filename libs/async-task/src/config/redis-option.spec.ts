import { resolveOptions } from './async-task.options.js';
import { InvalidAsyncTaskOptionsError } from '../errors/invalid-options.error.js';
import { describeRedis, parseSentinelUrl } from './redis-option.js';

describe('the redis option', () => {
  it('reads a redis-sentinel:// URL as ioredis Sentinel options', () => {
    expect(parseSentinelUrl('redis-sentinel://:s%40cret@10.0.0.1:26379,10.0.0.2/primary?db=2&sentinelPassword=x')).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      name: 'primary',
      password: 's@cret',
      db: 2,
      sentinelPassword: 'x',
    });
  });

  it('accepts a cluster node list, Sentinel options and URL, and a factory', () => {
    const retryStrategy = () => 100;
    const factory = () => {
      throw new Error('not called while resolving');
    };
    expect(resolveOptions({ redis: { cluster: ['127.0.0.1:7001'], options: { clusterRetryStrategy: retryStrategy } } }).redis).toEqual({
      cluster: ['127.0.0.1:7001'],
      options: { clusterRetryStrategy: retryStrategy },
    });
    expect(resolveOptions({ redis: { sentinels: [{ port: 26379 }], name: 'mymaster', sentinelRetryStrategy: retryStrategy } }).redis).toMatchObject({
      sentinelRetryStrategy: retryStrategy,
    });
    expect(resolveOptions({ redis: 'redis-sentinel://127.0.0.1:26379/mymaster' }).redis).toBe('redis-sentinel://127.0.0.1:26379/mymaster');
    expect(resolveOptions({ redis: factory }).redis).toBe(factory);
  });

  it.each([
    [{ cluster: [] }, 'non-empty list of nodes'],
    ['redis-sentinel://127.0.0.1:26379', 'masterName'],
    ['redis-sentinel://127.0.0.1:port/mymaster', 'bad Sentinel address'],
    [42, 'must be a URL string'],
  ])('rejects %j with a named error saying what is wrong', (redis, problem) => {
    expect(() => resolveOptions({ redis } as never)).toThrow(InvalidAsyncTaskOptionsError);
    expect(() => resolveOptions({ redis } as never)).toThrow(problem);
  });

  it('rejects a prefix with a hash tag, since the library tags its keys itself', () => {
    expect(() => resolveOptions({ prefix: '{tasks}' })).toThrow('hash tags');
  });

  it('describes where Redis is with passwords masked', () => {
    expect(describeRedis('redis-sentinel://:secret@h1:26379,h2:26380/mymaster')).toBe('redis-sentinel://:***@h1:26379,h2:26380/mymaster');
    expect(describeRedis({ cluster: ['127.0.0.1:7001', { host: 'h', port: 7002 }] })).toBe('Redis Cluster 127.0.0.1:7001,h:7002');
    expect(describeRedis({ sentinels: [{ host: 's', port: 26379 }], name: 'm' })).toBe('master "m" of Sentinel s:26379');
  });
});
