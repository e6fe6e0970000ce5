import { Inject, Injectable } from '@nestjs/common';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, extname, relative, sep } from 'node:path';
import { AsyncTaskFactory, BaseAsyncTask, type AsyncTask, type AsyncTaskLog, type AsyncTaskRecord } from '@sfc/async-task';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';
import { runProcess } from './child-process.js';
import { resolveDataPath } from './data-path.js';
import { FfmpegProgressParser } from './ffmpeg-progress.js';
import { TaskFailure } from './task-failure.js';
import { parseParamsObject } from './task-params.js';
import { userFolder } from './user-folder.js';

/** Encoder settings per output container: quick presets that suit a demo on a small machine. */
const CODECS: Record<string, string[]> = {
  '.mp4': ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart'],
  '.mkv': ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-c:a', 'aac'],
  '.webm': ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'],
};

/** Inputs must be plain media files of these kinds: no playlists (.m3u8, .txt concat lists), nothing that names other files. */
const INPUT_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi'];

/**
 * ffmpeg and ffprobe may open only local files (no http:, concat:, …) with these demuxers, whatever
 * the file's name says: a playlist renamed clip.mp4 is detected as HLS by its content and refused,
 * so it cannot pull in files from outside the owner's folder.
 */
const INPUT_GUARDS = ['-protocol_whitelist', 'file', '-format_whitelist', 'mov,matroska,webm,avi'];

export interface TranscodeParams {
  input: string;
  output: string;
  /** Output height in pixels (width follows the aspect ratio). */
  height: number;
  /** Read the input at its own frame rate (ffmpeg `-re`): a long clip then takes its own length. */
  realtime: boolean;
}

const EXAMPLE = '{"input": "clip.mov", "output": "clip-360.mp4", "height"?: 360, "realtime"?: false}';

/** Checks params, including that both files stay inside the owner's folder and the input is a plain media file. */
export function parseTranscodeParams(params: string, folder: string): TranscodeParams & { inputPath: string; outputPath: string } {
  const value = parseParamsObject('transcode', params, EXAMPLE);
  const inputPath = resolveDataPath(folder, value.input, 'transcode input');
  const outputPath = resolveDataPath(folder, value.output, 'transcode output');
  if (!INPUT_EXTENSIONS.includes(extname(inputPath).toLowerCase())) throw new Error(`transcode input must be a media file ending in ${INPUT_EXTENSIONS.join(', ')}`);
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
    private readonly folder: string,
  ) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, abort: AbortSignal): Promise<void> {
    const { input, output, height, realtime, inputPath, outputPath } = parseTranscodeParams(this.params, this.folder);
    // ffmpeg writes beside the target (same container, so it can tell the format) and it is renamed at the end.
    const partial = outputPath.replace(/(\.[^.]+)$/, '.part$1');
    // ffmpeg runs in the owner's folder on relative names, so what it prints names no server path.
    const inFolder = (path: string) => `./${relative(this.folder, path)}`;
    try {
      await this.checkInput(input, inputPath);
      const durationMs = await probeDurationMs(inFolder(inputPath), this.folder, abort);
      this.progress.setTotal(durationMs).setLoaded(0);
      log.info(`Transcoding ${input} (${(durationMs / 1000).toFixed(1)} s) to ${output} at ${height}p${realtime ? ', real time' : ''}`);
      await mkdir(dirname(outputPath), { recursive: true });
      const parser = new FfmpegProgressParser((outTimeUs, ended) =>
        this.progress.setLoaded(ended ? durationMs : Math.min(durationMs, Math.round(outTimeUs / 1000))),
      );
      const args = [
        ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-y'],
        ...(realtime ? ['-re'] : []),
        ...INPUT_GUARDS,
        ...['-i', inFolder(inputPath), '-vf', `scale=-2:${height}`, ...CODECS[extname(outputPath).toLowerCase()]],
        ...['-progress', 'pipe:1', inFolder(partial)],
      ];
      await runProcess('ffmpeg', args, { cwd: this.folder, signal: abort, stderr: log, onStdout: (text) => parser.push(text) });
      await rename(partial, outputPath);
      this.progress.setLoaded(durationMs);
      log.info(`Wrote ${output}`);
    } catch (error) {
      await rm(partial, { force: true });
      throw TaskFailure.from(error, this.folder);
    }
  }

  /** A regular file that really is in the owner's folder (no link out of it), named as the owner named it in any error. */
  private async checkInput(input: string, inputPath: string): Promise<void> {
    const [real, folder] = await Promise.all([realpath(inputPath).catch(() => undefined), realpath(this.folder).catch(() => undefined)]);
    if (!real || !folder || !(await stat(real)).isFile()) throw new TaskFailure(`transcode input ${input} is not a file in your folder`);
    if (!real.startsWith(`${folder}${sep}`)) throw new TaskFailure(`transcode input ${input} leads outside your folder`);
  }
}

/** The input's duration from ffprobe, in milliseconds. */
async function probeDurationMs(input: string, cwd: string, signal: AbortSignal): Promise<number> {
  const out = await runProcess('ffprobe', ['-v', 'error', ...INPUT_GUARDS, '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', input], { cwd, signal });
  const seconds = Number.parseFloat(out.trim());
  if (!(seconds > 0)) throw new Error(`ffprobe found no duration in ${input} (got "${out.trim()}")`);
  return Math.round(seconds * 1000);
}

@Injectable()
@AsyncTaskFactory('transcode')
export class TranscodeTaskFactory implements AsyncTaskFactory {
  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  createTask(params: string, record: AsyncTaskRecord): AsyncTask {
    try {
      const folder = userFolder(this.config.dataDir, record.uid);
      parseTranscodeParams(params, folder);
      return new TranscodeTask(params, folder);
    } catch (error) {
      throw TaskFailure.from(error, this.config.dataDir);
    }
  }

  getTaskType(): string {
    return 'transcode';
  }
}
