import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
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
    await Promise.all([
      generateClip(join(server.config.dataDir, 'clip.mp4'), 3),
      generateClip(join(server.config.dataDir, 'long.mp4'), 30, '160x120'),
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
    const video = await probeVideo(join(server.config.dataDir, 'out/clip-120.mp4'));
    expect(video).toMatchObject({ width: 160, height: 120 });
    expect(video.duration).toBeCloseTo(3, 0);
    expect(await readdir(join(server.config.dataDir, 'out'))).toEqual(['clip-120.mp4']); // no partial left behind
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
    expect((await readdir(server.config.dataDir)).filter((name) => name.startsWith('stop-'))).toEqual([]);
    expect(existsSync(join(server.config.dataDir, output))).toBe(false);
  });
});
