import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AsyncTaskStatus } from '@sfc/async-task';
import { generateClip, pidsMatching } from './support/media.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { startThrottledFileServer, type ThrottledFileServer } from './support/throttled-file-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(40_000);

describe('reference server: retries, timeouts and rerun', () => {
  let server: TestServer;
  let files: ThrottledFileServer;
  const submit = (token: string, body: object) => server.json('/api/tasks', { token, body });
  const task = (id: string, token: string = TOKENS.admin) => server.json(`/api/tasks/${id}`, { token });
  const ended = (id: string, timeoutMs = 15_000) =>
    waitFor(`task ${id} to end`, async () => {
      const record = await task(id);
      return [AsyncTaskStatus.SUCCESS, AsyncTaskStatus.FAILED, AsyncTaskStatus.CANCELLED].includes(record.status) ? record : undefined;
    }, timeoutMs);
  const metric = async (name: string, type: string) => {
    const text = await (await server.request('/metrics')).text();
    return Number(new RegExp(`^${name}\\{type="${type}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    // 5 MiB in 64 KiB chunks every 25 ms: about 2 s.
    // The tests' file server is on 127.0.0.1, which downloads may reach only when allowed.
    [server, files] = await Promise.all([
      startTestServer({ download: { allowPrivate: ['127.0.0.1'], maxBytes: 1024 ** 3, timeoutMs: 60_000 } }),
      startThrottledFileServer(5 * 1024 * 1024, 64 * 1024, 25),
    ]);
    // Each user's files live in their own folder (DATA_DIR/<uid>).
    await mkdir(join(server.config.dataDir, 'bob'), { recursive: true });
    await generateClip(join(server.config.dataDir, 'bob', 'long.mp4'), 30, '160x120');
  });

  afterAll(async () => {
    await Promise.all([server?.close(), files?.close()]);
  });

  it('refuses retries, backoff and timeouts out of bounds with 400, writing nothing', async () => {
    const nap = { name: 'x', taskType: 'sleep', params: { ms: 1 } };
    const cases: Array<[object, RegExp]> = [
      [{ retries: -1 }, /retries must be a whole number from 0 to 10/],
      [{ retries: 11 }, /retries must be a whole number from 0 to 10/],
      [{ retries: 1.5 }, /retries/],
      [{ retries: '3' }, /retries/],
      [{ timeoutMs: 0 }, /timeoutMs must be a whole number from 1 to 86400000/],
      [{ timeoutMs: 86_400_001 }, /timeoutMs/],
      [{ backoff: 1000 }, /backoff must be an object/],
      [{ backoff: { type: 'fixed', delayMs: 3_600_001 } }, /backoff\.delayMs must be a whole number from 0 to 3600000/],
      [{ backoff: { type: 'fixed', delayMs: -1 } }, /backoff\.delayMs/],
      [{ backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 10 } }, /backoff\.maxDelayMs must be a whole number from 1000 to 3600000/],
      [{ backoff: { type: 'linear', delayMs: 10 } }, /backoff\.type/],
      [{ backoff: { type: 'fixed', delayMs: 10, jitter: 3 } }, /backoff\.jitter/],
      [{ backoff: { type: 'fixed', delayMs: 10, forever: true } }, /Unknown backoff field\(s\) forever/],
    ];
    for (const [fields, message] of cases) {
      const response = await server.request('/api/tasks', { token: TOKENS.alice, body: { ...nap, ...fields } });
      expect({ fields, status: response.status }).toEqual({ fields, status: 400 });
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    }
    expect((await server.json('/api/tasks', { token: TOKENS.admin })).total).toBe(0);
  });

  it('retries a task that times out, shows attempts and the retry in the record, log and /metrics', async () => {
    const submitted = await submit(TOKENS.alice, {
      name: 'too slow', taskType: 'sleep', params: { ms: 10_000 }, timeoutMs: 300, retries: 1, backoff: { type: 'fixed', delayMs: 1500 },
    });
    expect(submitted).toMatchObject({ retries: 1, timeoutMs: 300, backoff: '{"type":"fixed","delayMs":1500}' });
    const waiting = await waitFor('the first attempt to time out into its backoff', async () => {
      const record = await task(submitted.id, TOKENS.alice);
      return record.status === AsyncTaskStatus.WAITING && record.retryCount === 1 ? record : undefined;
    });
    expect(waiting).toMatchObject({ attempt: 1, failedReason: 'timed out after 300 ms' });
    expect(new Date(waiting.runAfter).getTime()).toBeGreaterThan(Date.now());
    const record = await ended(submitted.id);
    expect(record).toMatchObject({ status: AsyncTaskStatus.FAILED, attempt: 2, retryCount: 1, failedReason: 'timed out after 300 ms' });
    const log = await (await server.request(`/api/tasks/${submitted.id}/log`, { token: TOKENS.alice })).text();
    expect(log).toMatch(/^===== attempt 2 [^\n]*, retry 1 of 1 after 1\.5 s backoff: timed out after 300 ms =====$/m);
    expect(await metric('async_task_retries_total', 'sleep')).toBe(1);
    expect(await metric('async_task_timeouts_total', 'sleep')).toBe(2);
  });

  it('reruns an ended task for its owner or an admin; others get 404, a task not ended 409', async () => {
    const nap = await submit(TOKENS.alice, { name: 'short nap', taskType: 'sleep', params: { ms: 100 } });
    expect((await ended(nap.id)).status).toBe(AsyncTaskStatus.SUCCESS);
    expect((await server.request(`/api/tasks/${nap.id}/rerun`, { token: TOKENS.bob, method: 'POST' })).status).toBe(404);
    expect((await server.request('/api/tasks/no-such-task/rerun', { token: TOKENS.alice, method: 'POST' })).status).toBe(404);
    expect(await task(nap.id)).toMatchObject({ status: AsyncTaskStatus.SUCCESS, attempt: 1 }); // bob's rerun did nothing

    const rerun = await server.json(`/api/tasks/${nap.id}/rerun`, { token: TOKENS.alice, method: 'POST' });
    expect(rerun).toMatchObject({ id: nap.id, status: AsyncTaskStatus.WAITING, attempt: 1 });
    expect(await ended(nap.id)).toMatchObject({ status: AsyncTaskStatus.SUCCESS, attempt: 2 });
    await server.json(`/api/tasks/${nap.id}/rerun`, { token: TOKENS.admin, method: 'POST' });
    expect(await ended(nap.id)).toMatchObject({ status: AsyncTaskStatus.SUCCESS, attempt: 3 });
    const log = await (await server.request(`/api/tasks/${nap.id}/log`, { token: TOKENS.alice })).text();
    expect(log.match(/^===== attempt \d /gm)).toEqual(['===== attempt 1 ', '===== attempt 2 ', '===== attempt 3 ']);
    expect(log.match(/, rerun =====\n/g)).toHaveLength(2);

    const later = await submit(TOKENS.alice, { name: 'later', taskType: 'sleep', params: { ms: 1 }, delayMs: 60_000 });
    const refused = await server.request(`/api/tasks/${later.id}/rerun`, { token: TOKENS.alice, method: 'POST' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: 'TaskNotEndedError', message: expect.stringMatching(/is WAITING; only an ended task/) });
    await server.json(`/api/tasks/${later.id}/interrupt`, { token: TOKENS.alice, method: 'POST' });
    const openapi = (await (await server.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/api/tasks/{id}/rerun');
  });

  it('closes the download socket at the timeout: FAILED "timed out", no partial file', async () => {
    const submitted = await submit(TOKENS.bob, { name: 'slow fetch', taskType: 'download', params: { url: files.url, name: 'slow.bin' }, timeoutMs: 1200 });
    await waitFor('the file server to be sending', () => files.openResponses() === 1);
    const record = await ended(submitted.id, 5000);
    expect(record).toMatchObject({ status: AsyncTaskStatus.FAILED, failedReason: 'timed out after 1200 ms' });
    expect(record.progress.loaded).toBeLessThan(files.size);
    await waitFor('the file server to see the socket closed', () => files.openResponses() === 0, 2000);
    expect(existsSync(join(server.config.dataDir, 'bob', 'slow.bin'))).toBe(false);
    expect(existsSync(join(server.config.dataDir, 'bob', 'slow.bin.part'))).toBe(false);
  });

  it('kills ffmpeg at the timeout: FAILED "timed out", no ffmpeg process and no partial file left', async () => {
    const unique = `slow-${randomBytes(6).toString('hex')}`; // in ffmpeg's arguments, to find it with pgrep
    const submitted = await submit(TOKENS.bob, {
      name: 'slow transcode', taskType: 'transcode', params: { input: 'long.mp4', output: `${unique}.mp4`, height: 60, realtime: true }, timeoutMs: 2500,
    });
    await waitFor('ffmpeg to run', async () => (await pidsMatching(unique)).length === 1);
    const record = await ended(submitted.id, 10_000);
    expect(record).toMatchObject({ status: AsyncTaskStatus.FAILED, failedReason: 'timed out after 2500 ms' });
    expect(await pidsMatching(unique)).toEqual([]);
    expect(existsSync(join(server.config.dataDir, 'bob', `${unique}.part.mp4`))).toBe(false);
    expect(existsSync(join(server.config.dataDir, 'bob', `${unique}.mp4`))).toBe(false);
  });
});
