import { Inject, Injectable } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AsyncTaskFactory, BaseAsyncTask, UnrecoverableTaskError, type AsyncTask, type AsyncTaskLog } from '@sfc/async-task';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';
import { resolveDataPath } from './data-path.js';
import { parseParamsObject } from './task-params.js';

export interface DownloadParams {
  url: URL;
  /** File name inside the data folder; defaults to the last segment of the URL's path. */
  name: string;
  /** Absolute path of that file. */
  target: string;
}

/** Params: `{"url": "https://…/file.bin", "name"?: "downloads/file.bin"}`; only http and https. */
export function parseDownloadParams(params: string, dataDir: string): DownloadParams {
  const value = parseParamsObject('download', params, '{"url": "https://example.org/file.bin", "name": "file.bin"}');
  let url: URL;
  try {
    url = new URL(String(value.url));
  } catch {
    throw new Error(`download needs "url", an absolute http(s) URL; got ${JSON.stringify(value.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`download only fetches http and https URLs, not ${url.protocol}`);
  const name = value.name ?? (decodeURIComponent(posix.basename(url.pathname)) || 'download');
  return { url, name: name as string, target: resolveDataPath(dataDir, name, 'download name') };
}

/** Fetches a URL into a file under DATA_DIR; progress in bytes, total from Content-Length. */
export class DownloadTask extends BaseAsyncTask {
  constructor(
    params: string,
    private readonly dataDir: string,
  ) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, abort: AbortSignal): Promise<void> {
    const { url, name, target } = parseDownloadParams(this.params, this.dataDir);
    // Written beside the target and renamed at the end, so a file under its real name is always whole.
    const partial = `${target}.part`;
    try {
      log.info(`Downloading ${url.href} to ${name}`);
      const response = await fetch(url, { signal: abort }).catch((error: Error & { cause?: Error }) => {
        if (abort.aborted) throw error;
        throw new Error(`Could not reach ${url.href}: ${error.cause?.message ?? error.message}`);
      });
      if (!response.ok || !response.body) {
        // A client error (404, 403…) will answer the same next time: not worth a retry.
        const Failure = response.status >= 400 && response.status < 500 ? UnrecoverableTaskError : Error;
        throw new Failure(`${url.href} answered ${response.status} ${response.statusText}`);
      }
      const length = Number(response.headers.get('content-length'));
      if (length > 0) this.progress.setTotal(length);
      log.info(`Size: ${length > 0 ? `${length} bytes` : 'unknown'}`);
      await mkdir(dirname(target), { recursive: true });
      const progress = this.progress;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          progress.appendLoaded(chunk.length);
          callback(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), counter, createWriteStream(partial), { signal: abort });
      if (length > 0 && this.progress.loaded !== length) throw new Error(`Got ${this.progress.loaded} of ${length} bytes`);
      await rename(partial, target);
      log.info(`Saved ${this.progress.loaded} bytes to ${name}`);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }
}

@Injectable()
@AsyncTaskFactory('download')
export class DownloadTaskFactory implements AsyncTaskFactory {
  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  createTask(params: string): AsyncTask {
    parseDownloadParams(params, this.config.dataDir);
    return new DownloadTask(params, this.config.dataDir);
  }

  getTaskType(): string {
    return 'download';
  }
}
