import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AsyncTaskFactory, BaseAsyncTask, type AsyncTask, type AsyncTaskLog, type AsyncTaskRecord } from '@sfc/async-task';
import { redactUrl } from '../common/redact-url.js';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';
import { resolveDataPath } from './data-path.js';
import { GuardedHttp, type DownloadPolicy } from './guarded-http.js';
import { TaskFailure } from './task-failure.js';
import { parseParamsObject } from './task-params.js';
import { userFolder } from './user-folder.js';

export interface DownloadParams {
  url: URL;
  /** File name inside the owner's folder; defaults to the last segment of the URL's path. */
  name: string;
  /** Absolute path of that file. */
  target: string;
}

/** Params: `{"url": "https://…/file.bin", "name"?: "downloads/file.bin"}`; only http and https. */
export function parseDownloadParams(params: string, folder: string): DownloadParams {
  const value = parseParamsObject('download', params, '{"url": "https://example.org/file.bin", "name": "file.bin"}');
  let url: URL;
  try {
    url = new URL(String(value.url));
  } catch {
    throw new Error('download needs "url", an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`download only fetches http and https URLs, not ${url.protocol}`);
  const name = value.name ?? (decodeURIComponent(posix.basename(url.pathname)) || 'download');
  return { url, name: name as string, target: resolveDataPath(folder, name, 'download name') };
}

/**
 * Fetches a URL into a file in its owner's folder; progress in bytes, total from Content-Length.
 * Private addresses are refused (see GuardedHttp); size and total time are capped by the policy;
 * the URL's credentials never reach the log or the failure reason.
 */
export class DownloadTask extends BaseAsyncTask {
  constructor(
    params: string,
    private readonly folder: string,
    private readonly http: GuardedHttp,
    private readonly policy: DownloadPolicy,
  ) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, abort: AbortSignal): Promise<void> {
    const { url, name, target } = parseDownloadParams(this.params, this.folder);
    // Written beside the target and renamed at the end, so a file under its real name is always whole.
    const partial = `${target}.part`;
    const { maxBytes, timeoutMs } = this.policy;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([abort, deadline]);
    try {
      log.info(`Downloading ${redactUrl(url)} to ${name}`);
      const response = await this.http.get(url, signal);
      const length = Number(response.headers['content-length']);
      if (length > maxBytes) {
        response.destroy();
        throw new TaskFailure(`${redactUrl(url)} is ${length} bytes, more than the ${maxBytes} bytes a download may take`);
      }
      if (length > 0) this.progress.setTotal(length);
      log.info(`Size: ${length > 0 ? `${length} bytes` : 'unknown'}`);
      await mkdir(dirname(target), { recursive: true });
      const progress = this.progress;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          if (progress.loaded + chunk.length > maxBytes) return callback(new TaskFailure(`Stopped after ${maxBytes} bytes, the most a download may take`));
          progress.appendLoaded(chunk.length);
          callback(null, chunk);
        },
      });
      await pipeline(response, counter, createWriteStream(partial), { signal });
      if (length > 0 && this.progress.loaded !== length) throw new TaskFailure(`Got ${this.progress.loaded} of ${length} bytes`);
      await rename(partial, target);
      log.info(`Saved ${this.progress.loaded} bytes to ${name}`);
    } catch (error) {
      await rm(partial, { force: true });
      if (deadline.aborted && !abort.aborted) throw new TaskFailure(`Stopped after ${timeoutMs} ms, the longest a download may take`);
      throw TaskFailure.from(error, this.folder).toThrown();
    }
  }
}

@Injectable()
@AsyncTaskFactory('download')
export class DownloadTaskFactory implements AsyncTaskFactory, OnModuleDestroy {
  private readonly http: GuardedHttp;

  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {
    this.http = new GuardedHttp(config.download);
  }

  createTask(params: string, record: AsyncTaskRecord): AsyncTask {
    try {
      const folder = userFolder(this.config.dataDir, record.uid);
      parseDownloadParams(params, folder);
      return new DownloadTask(params, folder, this.http, this.config.download);
    } catch (error) {
      throw TaskFailure.from(error, this.config.dataDir);
    }
  }

  getTaskType(): string {
    return 'download';
  }

  onModuleDestroy(): void {
    this.http.close();
  }
}
