import { Injectable } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { AsyncTaskFactory, BaseAsyncTask, type AsyncTask, type AsyncTaskLog } from '@sfc/async-task';

/** Sleeps `ms` milliseconds in one-second steps, reporting progress; the simplest visible task. */
export class SleepTask extends BaseAsyncTask {
  protected async run(log: AsyncTaskLog, abort: AbortSignal): Promise<void> {
    const { ms } = parseSleepParams(this.params);
    this.progress.setTotal(ms).setLoaded(0);
    log.info(`Sleeping ${ms} ms`);
    while (this.progress.loaded < ms) {
      const step = Math.min(1000, ms - this.progress.loaded);
      await delay(step, undefined, { signal: abort });
      this.progress.appendLoaded(step);
      log.info(`Slept ${this.progress.loaded} of ${ms} ms`);
    }
    log.info('Woke up');
  }
}

/** The longest nap a user may ask for: a day. */
export const MAX_SLEEP_MS = 24 * 3600 * 1000;

/** Params: `{"ms": 5000}` or just `5000`. */
export function parseSleepParams(params: string): { ms: number } {
  let value: unknown;
  try {
    value = JSON.parse(params || '0');
  } catch {
    throw new Error('sleep params must be JSON like {"ms": 5000}');
  }
  const ms = typeof value === 'number' ? value : (value as { ms?: unknown })?.ms;
  if (!Number.isSafeInteger(ms) || (ms as number) < 0 || (ms as number) > MAX_SLEEP_MS) {
    throw new Error(`sleep needs a whole number of milliseconds from 0 to ${MAX_SLEEP_MS}, got ${params.slice(0, 100)}`);
  }
  return { ms: ms as number };
}

@Injectable()
@AsyncTaskFactory('sleep')
export class SleepTaskFactory implements AsyncTaskFactory {
  createTask(params: string): AsyncTask {
    parseSleepParams(params);
    return new SleepTask(params);
  }

  getTaskType(): string {
    return 'sleep';
  }
}
