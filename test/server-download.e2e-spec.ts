import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AsyncTaskStatus } from '@sfc/async-task';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { startHostileHttpServer, type HostileHttpServer } from './support/hostile-http-server.js';
import { startThrottledFileServer, type ThrottledFileServer } from './support/throttled-file-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(30_000);

describe('reference server: download task', () => {
  let server: TestServer;
  let files: ThrottledFileServer;
  const token = TOKENS.alice;

  beforeAll(async () => {
    // 5 MiB in 64 KiB chunks every 25 ms: about 2 s.
    // The files come from 127.0.0.1, which downloads may reach only because this server's allow-list says so.
    [server, files] = await Promise.all([startTestServer({ download: { allowPrivate: ['127.0.0.1'], maxBytes: 1024 ** 3, timeoutMs: 60_000 } }), startThrottledFileServer(5 * 1024 * 1024, 64 * 1024, 25)]);
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
    const saved = await readFile(join(server.config.dataDir, 'alice', 'in/file.bin'));
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
    expect(existsSync(join(server.config.dataDir, 'alice', 'stopped.bin'))).toBe(false);
    expect(existsSync(join(server.config.dataDir, 'alice', 'stopped.bin.part'))).toBe(false);
  });

  it('ends FAILED with the reason when the server answers an error', async () => {
    const submitted = await server.json('/api/tasks', { token, body: { name: 'missing', taskType: 'download', params: { url: files.url.replace('file.bin', 'missing.bin') } } });
    const ended = await waitFor('the task to fail', async () => {
      const record = await task(submitted.id);
      return record.status === AsyncTaskStatus.FAILED ? record : undefined;
    });
    expect(ended.failedReason).toBe(`${files.url.replace('file.bin', 'missing.bin')} answered 404 Not Found`);
    expect(existsSync(join(server.config.dataDir, 'alice', 'missing.bin'))).toBe(false);
  });
});

describe('reference server: download task against hostile targets', () => {
  let guarded: TestServer; // no allow-list: the default
  let capped: TestServer; // 127.0.0.1 allowed, 1 MiB and 2 s at most
  let hostile: HostileHttpServer;
  let inner: HostileHttpServer; // on 127.0.0.2: reachable only through a redirect
  let files: ThrottledFileServer;

  beforeAll(async () => {
    [guarded, capped, hostile, inner, files] = await Promise.all([
      startTestServer(),
      startTestServer({ download: { allowPrivate: ['127.0.0.1/32'], maxBytes: 1024 * 1024, timeoutMs: 2000 } }),
      startHostileHttpServer('127.0.0.1'),
      startHostileHttpServer('127.0.0.2'),
      startThrottledFileServer(2 * 1024 * 1024, 256 * 1024, 10),
    ]);
  });

  afterAll(async () => {
    await Promise.all([guarded?.close(), capped?.close(), hostile?.close(), inner?.close(), files?.close()]);
  });

  /** Submits a download and waits for it to end; returns the record and its whole log. */
  async function download(server: TestServer, url: string, name = 'file.bin', token: string = TOKENS.alice) {
    const submitted = await server.json('/api/tasks', { token, body: { name: 'fetch', taskType: 'download', params: { url, name } } });
    const ended = await waitFor('the download to end', async () => {
      const record = await server.json(`/api/tasks/${submitted.id}`, { token });
      return record.status > AsyncTaskStatus.RUNNING ? record : undefined;
    }, 20000);
    const log = await (await server.request(`/api/tasks/${submitted.id}/log`, { token })).text();
    const owner = token === TOKENS.alice ? 'alice' : 'bob';
    return { ended, log, saved: existsSync(join(server.config.dataDir, owner, name)) };
  }

  it('refuses loopback unless the allow-list names it, after DNS resolution too (localhost)', async () => {
    const literal = await download(guarded, files.url);
    expect(literal.ended.status).toBe(AsyncTaskStatus.FAILED);
    expect(literal.ended.failedReason).toBe(
      `Could not reach ${files.url}: it resolves to 127.0.0.1, a private, loopback or link-local address that downloads may not reach (the server's DOWNLOAD_ALLOW_PRIVATE can allow it)`,
    );
    expect(literal.saved).toBe(false);
    const named = await download(guarded, files.url.replace('127.0.0.1', 'localhost'));
    expect(named.ended).toMatchObject({ status: AsyncTaskStatus.FAILED, failedReason: expect.stringMatching(/^Could not reach http:\/\/localhost:\d+\/file.bin: it resolves to (127\.0\.0\.1|::1), a private/) });
    for (const metadata of ['http://169.254.169.254/latest/meta-data/', 'http://[::1]:1/x', 'http://10.0.0.1:1/x']) {
      expect((await download(guarded, metadata, 'meta.txt')).ended.failedReason).toMatch(/a private, loopback or link-local address/);
    }
    const allowed = await download(capped, `${hostile.origin}/secret`, 'allowed.txt'); // the allow-list names 127.0.0.1
    expect(allowed).toMatchObject({ ended: { status: AsyncTaskStatus.SUCCESS }, saved: true });
  });

  it('checks every redirect: an allowed host cannot bounce the download to a loopback address the list does not name', async () => {
    const secret = `${inner.origin}/secret`;
    expect((await fetch(secret)).status).toBe(200); // it is there to be stolen
    const bounced = await download(capped, `${hostile.origin}/redirect?to=${encodeURIComponent(secret)}`, 'bounced.txt');
    expect(bounced.ended).toMatchObject({ status: AsyncTaskStatus.FAILED, failedReason: `Could not reach ${secret}: it resolves to 127.0.0.2, a private, loopback or link-local address that downloads may not reach (the server's DOWNLOAD_ALLOW_PRIVATE can allow it)` });
    expect(bounced.saved).toBe(false);
  });

  it('caps the bytes (announced or not) and the total time of a download', async () => {
    const announced = await download(capped, files.url, 'big.bin');
    expect(announced).toMatchObject({
      ended: { status: AsyncTaskStatus.FAILED, failedReason: `${files.url} is ${files.size} bytes, more than the 1048576 bytes a download may take` },
      saved: false,
    });
    const endless = await download(capped, `${hostile.origin}/endless`, 'endless.bin');
    expect(endless).toMatchObject({ ended: { status: AsyncTaskStatus.FAILED, failedReason: 'Stopped after 1048576 bytes, the most a download may take' }, saved: false });
    expect(endless.ended.progress.loaded).toBeLessThanOrEqual(1024 * 1024);
    const started = Date.now();
    const trickle = await download(capped, `${hostile.origin}/trickle`, 'trickle.bin');
    expect(trickle).toMatchObject({ ended: { status: AsyncTaskStatus.FAILED, failedReason: 'Stopped after 2000 ms, the longest a download may take' }, saved: false });
    expect(Date.now() - started).toBeLessThan(10000);
    expect((await readdir(join(capped.config.dataDir, 'alice'))).filter((name) => name !== 'report.txt')).toEqual(['allowed.txt']); // no partial files left
  });

  it("saves each user's downloads in their own folder: the same name never overwrites another user's file", async () => {
    expect(await download(capped, `${hostile.origin}/echo?text=bob-report`, 'report.txt', TOKENS.bob)).toMatchObject({ ended: { status: AsyncTaskStatus.SUCCESS }, saved: true });
    expect(await download(capped, `${hostile.origin}/echo?text=alice-report`, 'report.txt', TOKENS.alice)).toMatchObject({ ended: { status: AsyncTaskStatus.SUCCESS }, saved: true });
    expect(await readFile(join(capped.config.dataDir, 'bob', 'report.txt'), 'utf8')).toBe('bob-report');
    expect(await readFile(join(capped.config.dataDir, 'alice', 'report.txt'), 'utf8')).toBe('alice-report');
  });

  it('never shows the credentials of a URL in the log or the failure reason', async () => {
    const url = `${hostile.origin.replace('//', '//user:s3cret-pw@')}/missing.bin`;
    const failed = await download(capped, url, 'missing.bin');
    expect(failed.ended).toMatchObject({ status: AsyncTaskStatus.FAILED, failedReason: `${hostile.origin.replace('//', '//***@')}/missing.bin answered 404 Not Found` });
    expect(failed.log).toContain(`Downloading ${hostile.origin.replace('//', '//***@')}/missing.bin to missing.bin`);
    expect(`${failed.log}${failed.ended.failedReason}`).not.toContain('s3cret-pw');
  });
});
