import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Makes a small test clip (colour bars with a counter, and a tone) with ffmpeg's lavfi sources. */
export async function generateClip(path: string, seconds: number, size = '320x240'): Promise<void> {
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=${size}:rate=25`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path],
  ]);
}

/** Width, height and duration (seconds) of a video file, from ffprobe. */
export async function probeVideo(path: string): Promise<{ width: number; height: number; duration: number }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:format=duration', '-of', 'json', path]);
  const info = JSON.parse(stdout) as { streams: Array<{ width: number; height: number }>; format: { duration: string } };
  return { width: info.streams[0].width, height: info.streams[0].height, duration: Number(info.format.duration) };
}

/** Pids of processes whose command line contains `text` (pgrep -f; none → []). */
export async function pidsMatching(text: string): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', ['-f', text]);
    return stdout.split('\n').filter(Boolean).map(Number);
  } catch (error) {
    if ((error as { code?: number }).code === 1) return []; // pgrep: nothing matched
    throw error;
  }
}
