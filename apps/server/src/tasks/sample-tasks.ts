import type { Type } from '@nestjs/common';
import type { AsyncTaskFactory } from '@sfc/async-task';
import { DownloadTaskFactory, parseDownloadParams } from './download.task.js';
import { parseSleepParams, SleepTaskFactory } from './sleep.task.js';
import { parseTranscodeParams, TranscodeTaskFactory } from './transcode.task.js';

export interface SampleTask {
  factory: Type<AsyncTaskFactory>;
  /** Throws a message for the submitter when params are unusable; the same check the factory makes. `folder`: the submitter's own. */
  checkParams(params: string, folder: string): unknown;
  /** CPU budget a task of this type takes unless the submitter says otherwise (one core = 100). */
  cpuOverhead: number;
}

/** The task types this server runs, by type. */
export const SAMPLE_TASKS: Readonly<Record<string, SampleTask>> = {
  sleep: { factory: SleepTaskFactory, checkParams: (params) => parseSleepParams(params), cpuOverhead: 1 },
  download: { factory: DownloadTaskFactory, checkParams: parseDownloadParams, cpuOverhead: 10 },
  transcode: { factory: TranscodeTaskFactory, checkParams: parseTranscodeParams, cpuOverhead: 100 },
};
