import { Inject, Injectable } from '@nestjs/common';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { AsyncTaskFactory, BaseAsyncTask, type AsyncTask, type AsyncTaskLog } from '@sfc/async-task';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';
import { runProcess } from './child-process.js';
import { resolveDataPath } from './data-path.js';
import { FfmpegProgressParser } from './ffmpeg-progress.js';
import { parseParamsObject } from './task-params.js';

/** Encoder settings per output container: quick presets that suit a demo on a small machine. */
const CODECS: Record<string, string[]> = {
  '.mp4': ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart'],
  '.mkv': ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-c:a', 'aac'],
  '.webm': ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'],
};

export interface TranscodeParams {
  input: string;
  output: string;
  /** Output height in pixels (width follows the aspect ratio). */
  height: number;
  /** Read the input at its own frame rate (ffmpeg `-re`): a long clip then takes its own length. */
  realtime: boolean;
}

const EXAMPLE = '{"input": "clip.mov", "output": "clip-360.mp4", "height"?: 360, "realtime"?: false}';

/** Checks params, including that both files stay inside the data folder. */
export function parseTranscodeParams(params: string, dataDir: string): TranscodeParams & { inputPath: string; outputPath: string } {
  const value = parseParamsObject('transcode', params, EXAMPLE);
  const inputPath = resolveDataPath(dataDir, value.input, 'transcode input');
  const outputPath = resolveDataPath(dataDir, value.output, 'transcode output');
  if (inputPath === outputPath) throw new Error('transcode output must differ from its input');
  const container = extname(outputPath).toLowerCase();
  if (!CODECS[container]) throw new Error(`transcode output must end in ${Object.keys(CODECS).join(', ')}`);
  const height = value.height ?? 360;
  if (!Number.isInteger(height) || (height as number) < 16 || (height as number) > 4320 || (height as number) % 2 !== 0) {
    throw new Error('transcode height must be an even number of pixels from 16 to 4320');
  }
  if (value.realtime !== undefined && typeof value.realtime !== 'boolean') throw new Error('transcode realtime must be true or false');
  return { input: value.input as string, output: value.output as string, height: height as number, realtime: value.realtime === true, inputPath, outputPath };
}

/** Transcodes a video with ffmpeg; progress in milliseconds of media, from ffmpeg's own progress report. */
export class TranscodeTask extends BaseAsyncTask {
  constructor(
    params: string,
    private readonly dataDir: string,
  ) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, abort: AbortSignal): Promise<void> {
    const { input, output, height, realtime, inputPath, outputPath } = parseTranscodeParams(this.params, this.dataDir);
    // ffmpeg writes beside the target (same container, so it can tell the format) and it is renamed at the end.
    const partial = outputPath.replace(/(\.[^.]+)$/, '.part$1');
    try {
      const durationMs = await probeDurationMs(inputPath, abort);
      this.progress.setTotal(durationMs).setLoaded(0);
      log.info(`Transcoding ${input} (${(durationMs / 1000).toFixed(1)} s) to ${output} at ${height}p${realtime ? ', real time' : ''}`);
      await mkdir(dirname(outputPath), { recursive: true });
      const parser = new FfmpegProgressParser((outTimeUs, ended) =>
        this.progress.setLoaded(ended ? durationMs : Math.min(durationMs, Math.round(outTimeUs / 1000))),
      );
      const args = [
        ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-y'],
        ...(realtime ? ['-re'] : []),
        ...['-i', inputPath, '-vf', `scale=-2:${height}`, ...CODECS[extname(outputPath).toLowerCase()]],
        ...['-progress', 'pipe:1', partial],
      ];
      await runProcess('ffmpeg', args, { signal: abort, stderr: log, onStdout: (text) => parser.push(text) });
      await rename(partial, outputPath);
      this.progress.setLoaded(durationMs);
      log.info(`Wrote ${output}`);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }
}

/** The input's duration from ffprobe, in milliseconds. */
async function probeDurationMs(inputPath: string, signal: AbortSignal): Promise<number> {
  const out = await runProcess('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', inputPath], { signal });
  const seconds = Number.parseFloat(out.trim());
  if (!(seconds > 0)) throw new Error(`ffprobe found no duration in ${inputPath} (got "${out.trim()}")`);
  return Math.round(seconds * 1000);
}

@Injectable()
@AsyncTaskFactory('transcode')
export class TranscodeTaskFactory implements AsyncTaskFactory {
  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  createTask(params: string): AsyncTask {
    parseTranscodeParams(params, this.config.dataDir);
    return new TranscodeTask(params, this.config.dataDir);
  }

  getTaskType(): string {
    return 'transcode';
  }
}
