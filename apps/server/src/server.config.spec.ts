import { loadServerConfig } from './server.config.js';

describe('loadServerConfig', () => {
  it('reads the download policy and the follow cap, with safe defaults', () => {
    const defaults = loadServerConfig({});
    expect(defaults.download).toEqual({ allowPrivate: [], maxBytes: 1024 ** 3, timeoutMs: 600_000 });
    expect(defaults.followsPerUser).toBe(10);
    const set = loadServerConfig({ DOWNLOAD_ALLOW_PRIVATE: '10.0.0.0/8, 127.0.0.1,::1/128', DOWNLOAD_MAX_BYTES: '1000', DOWNLOAD_TIMEOUT_MS: '5000', FOLLOWS_PER_USER: '3' });
    expect(set.download).toEqual({ allowPrivate: ['10.0.0.0/8', '127.0.0.1', '::1/128'], maxBytes: 1000, timeoutMs: 5000 });
    expect(set.followsPerUser).toBe(3);
  });

  it.each([
    [{ DOWNLOAD_ALLOW_PRIVATE: 'intranet.local' }, /DOWNLOAD_ALLOW_PRIVATE entry "intranet.local"/],
    [{ DOWNLOAD_ALLOW_PRIVATE: '10.0.0.0/33' }, /DOWNLOAD_ALLOW_PRIVATE/],
    [{ DOWNLOAD_MAX_BYTES: '-1' }, /DOWNLOAD_MAX_BYTES must be a whole number/],
    [{ FOLLOWS_PER_USER: 'many' }, /FOLLOWS_PER_USER/],
  ])('refuses %j at start-up', (env, message) => {
    expect(() => loadServerConfig(env)).toThrow(message);
  });
});
