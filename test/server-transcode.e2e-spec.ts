import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AsyncTaskStatus } from '@sfc/async-task';
import { generateClip, pidsMatching, probeVideo } from './support/media.js';
import { startTestServer, type TestServer, TOKENS } from './support/test-server.js';
import { waitFor } from './support/wait-for.js';

jest.setTimeout(40_000);

describe('reference server: transcode task (ffmpeg)', () => {
  let server: TestServer;
  const token = TOKENS.bob;
  const task = (id: string) => server.json(`/api/tasks/${id}`, { token });
  const submit = (params: object) => server.json('/api/tasks', { token, body: { name: 'transcode', taskType: 'transcode', params } });

  beforeAll(async () => {
    server = await startTestServer();
    await mkdir(join(server.config.dataDir, 'bob'), { recursive: true });
    await Promise.all([
      generateClip(join(server.config.dataDir, 'bob', 'clip.mp4'), 3),
      generateClip(join(server.config.dataDir, 'bob', 'long.mp4'), 30, '160x120'),
    ]);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('transcodes a clip to the asked height, with progress in media time', async () => {
    const submitted = await submit({ input: 'clip.mp4', output: 'out/clip-120.mp4', height: 120 });
    const ended = await waitFor('the transcode to end', async () => {
      const record = await task(submitted.id);
      return record.status > AsyncTaskStatus.RUNNING ? record : undefined;
    }, 30000);
    expect(ended).toMatchObject({ status: AsyncTaskStatus.SUCCESS, progress: { loaded: ended.progress.total } });
    expect(ended.progress.total).toBeGreaterThanOrEqual(2900);
    expect(ended.progress.total).toBeLessThanOrEqual(3100);
    const video = await probeVideo(join(server.config.dataDir, 'bob', 'out/clip-120.mp4'));
    expect(video).toMatchObject({ width: 160, height: 120 });
    expect(video.duration).toBeCloseTo(3, 0);
    expect(await readdir(join(server.config.dataDir, 'bob', 'out'))).toEqual(['clip-120.mp4']); // no partial left behind
  });

  it('kills ffmpeg on interrupt: the task ends CANCELLED and no ffmpeg process is left', async () => {
    const unique = `stop-${randomBytes(6).toString('hex')}`; // in ffmpeg's arguments, to find it with pgrep
    const output = `${unique}.mp4`;
    const submitted = await submit({ input: 'long.mp4', output, height: 60, realtime: true });
    const running = await waitFor('ffmpeg to make progress', async () => {
      const record = await task(submitted.id);
      return record.status === AsyncTaskStatus.RUNNING && record.progress?.loaded > 0 ? record : undefined;
    });
    expect(running.progress.loaded).toBeLessThan(running.progress.total);
    expect(await pidsMatching(unique)).toHaveLength(1); // the check below can see it
    await server.json(`/api/tasks/${submitted.id}/interrupt`, { token, method: 'POST' });
    await waitFor('CANCELLED', async () => (await task(submitted.id)).status === AsyncTaskStatus.CANCELLED, 5000);
    expect(await pidsMatching(unique)).toEqual([]);
    expect((await readdir(join(server.config.dataDir, 'bob'))).filter((name) => name.startsWith('stop-'))).toEqual([]);
    expect(existsSync(join(server.config.dataDir, 'bob', output))).toBe(false);
  });

  /** Submits as `owner` and waits for the end; returns the record and its log. */
  async function transcodeAs(owner: string, params: object) {
    const submitted = await server.json('/api/tasks', { token: owner, body: { name: 'transcode', taskType: 'transcode', params } });
    const ended = await waitFor('the transcode to end', async () => {
      const record = await server.json(`/api/tasks/${submitted.id}`, { token: owner });
      return record.status > AsyncTaskStatus.RUNNING ? record : undefined;
    }, 30000);
    return { ended, log: await (await server.request(`/api/tasks/${submitted.id}/log`, { token: owner })).text() };
  }

  it('refuses a playlist, even renamed .mp4, so no file outside the folder can be read through it', async () => {
    // A segment outside bob's folder (the data folder's root), named by its absolute path.
    const outside = join(server.config.dataDir, 'outside.mp4');
    await generateClip(outside, 1);
    const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1,\n${outside}\n#EXT-X-ENDLIST\n`;
    await writeFile(join(server.config.dataDir, 'bob', 'list.mp4'), playlist);
    await writeFile(join(server.config.dataDir, 'bob', 'list.m3u8'), playlist);
    const refused = await server.request('/api/tasks', { token, body: { name: 'x', taskType: 'transcode', params: { input: 'list.m3u8', output: 'leak.mp4' } } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toBe('transcode input must be a media file ending in .mp4, .m4v, .mov, .mkv, .webm, .avi');
    const { ended, log } = await transcodeAs(token, { input: 'list.mp4', output: 'leak.mp4' });
    expect(ended.status).toBe(AsyncTaskStatus.FAILED);
    expect(ended.failedReason).toMatch(/^ffprobe exited with 1: .*Format not on whitelist/);
    expect(existsSync(join(server.config.dataDir, 'bob', 'leak.mp4'))).toBe(false);
    // Row 10: what the owner reads names no server path and no stack line.
    for (const text of [ended.failedReason, log]) {
      expect(text).not.toContain(server.config.dataDir);
      expect(text).not.toMatch(/^\s+at /m);
    }
  });

  it("keeps each user's files apart: alice cannot transcode bob's clip, and a missing file tells nothing about the server", async () => {
    const { ended, log } = await transcodeAs(TOKENS.alice, { input: 'clip.mp4', output: 'stolen.mp4' });
    expect(ended).toMatchObject({ status: AsyncTaskStatus.FAILED, failedReason: 'transcode input clip.mp4 is not a file in your folder' });
    expect(log).toContain('[ERROR]');
    expect(log).not.toContain(server.config.dataDir);
    expect(log).not.toMatch(/^\s+at /m);
    expect(existsSync(join(server.config.dataDir, 'alice', 'stolen.mp4'))).toBe(false);
    // A file that is not media fails with ffprobe's words about it, by its name in the folder only.
    await writeFile(join(server.config.dataDir, 'bob', 'notes.mp4'), 'not a video');
    const garbage = await transcodeAs(token, { input: 'notes.mp4', output: 'notes-out.mp4' });
    expect(garbage.ended.failedReason).toMatch(/\.\/notes\.mp4/);
    expect(`${garbage.ended.failedReason}${garbage.log}`).not.toContain(server.config.dataDir);
  });
});
