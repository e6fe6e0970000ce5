import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AsyncTaskStatus } from '@sfc/async-task';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { startThrottledFileServer, type ThrottledFileServer } from './support/throttled-file-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(30_000);

describe('reference server: download task', () => {
  let server: TestServer;
  let files: ThrottledFileServer;
  const token = TOKENS.alice;

  beforeAll(async () => {
    // 5 MiB in 64 KiB chunks every 25 ms: about 2 s.
    [server, files] = await Promise.all([startTestServer(), startThrottledFileServer(5 * 1024 * 1024, 64 * 1024, 25)]);
  });

  afterAll(async () => {
    await Promise.all([server?.close(), files?.close()]);
  });

  const task = (id: string) => server.json(`/api/tasks/${id}`, { token });

  it('downloads a file over HTTP with byte progress and a live speed, and saves exactly the bytes served', async () => {
    const started = Date.now();
    const submitted = await server.json('/api/tasks', { token, body: { name: 'fetch', taskType: 'download', params: { url: files.url, name: 'in/file.bin' } } });
    const running = await waitFor('a speed while running', async () => {
      const record = await task(submitted.id);
      return record.status === AsyncTaskStatus.RUNNING && record.progress?.speed > 0 ? record : undefined;
    });
    expect(running.progress.total).toBe(files.size);
    expect(running.progress.loaded).toBeGreaterThan(0);
    const ended = await waitFor('the download to end', async () => {
      const record = await task(submitted.id);
      return record.status !== AsyncTaskStatus.RUNNING && record.status !== AsyncTaskStatus.WAITING ? record : undefined;
    });
    expect(ended).toMatchObject({ status: AsyncTaskStatus.SUCCESS, progress: { total: files.size, loaded: files.size } });
    expect(Date.now() - started).toBeGreaterThan(1500); // it really was throttled, so the speed above was sampled mid-way
    const saved = await readFile(join(server.config.dataDir, 'in/file.bin'));
    expect(createHash('sha256').update(saved).digest('hex')).toBe(files.sha256);
    const log = await (await server.request(`/api/tasks/${submitted.id}/log`, { token })).text();
    expect(log).toContain(`Saved ${files.size} bytes to in/file.bin`);
  });

  it('stops an interrupted download at once and leaves no partial file', async () => {
    const submitted = await server.json('/api/tasks', { token, body: { name: 'stop me', taskType: 'download', params: { url: files.url, name: 'stopped.bin' } } });
    await waitFor('bytes to arrive', async () => (await task(submitted.id)).progress?.loaded > 0);
    await server.json(`/api/tasks/${submitted.id}/interrupt`, { token, method: 'POST' });
    const ended = await waitFor('CANCELLED', async () => {
      const record = await task(submitted.id);
      return record.status === AsyncTaskStatus.CANCELLED ? record : undefined;
    }, 5000);
    expect(ended.progress.loaded).toBeLessThan(files.size);
    expect(existsSync(join(server.config.dataDir, 'stopped.bin'))).toBe(false);
    expect(existsSync(join(server.config.dataDir, 'stopped.bin.part'))).toBe(false);
  });

  it('ends FAILED with the reason when the server answers an error', async () => {
    const submitted = await server.json('/api/tasks', { token, body: { name: 'missing', taskType: 'download', params: { url: files.url.replace('file.bin', 'missing.bin') } } });
    const ended = await waitFor('the task to fail', async () => {
      const record = await task(submitted.id);
      return record.status === AsyncTaskStatus.FAILED ? record : undefined;
    });
    expect(ended.failedReason).toBe(`${files.url.replace('file.bin', 'missing.bin')} answered 404 Not Found`);
    expect(existsSync(join(server.config.dataDir, 'missing.bin'))).toBe(false);
  });
});
