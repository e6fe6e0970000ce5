import { setTimeout as delay } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AsyncTaskFactory, type AsyncTaskLog, type AsyncTaskRecord, BaseAsyncTask } from '@sfc/async-task';

/** Start and end times of each run, as the task itself saw them (in-process nodes share it). */
export class RunJournal {
  readonly runs: Array<{ taskId: string; node: string; start: number; end?: number }> = [];

  begin(taskId: string, node: string) {
    const run: { taskId: string; node: string; start: number; end?: number } = { taskId, node, start: Date.now() };
    this.runs.push(run);
    return run;
  }
}

/** Params: `{ ms?: number, fail?: string }`. Sleeps (abortably), then succeeds or throws `fail`. */
export class SleepTask extends BaseAsyncTask {
  constructor(
    params: string,
    private readonly record: AsyncTaskRecord,
    private readonly journal: RunJournal,
    private readonly node: string,
  ) {
    super(params);
  }

  protected async run(log: AsyncTaskLog, signal: AbortSignal): Promise<void> {
    const { ms = 0, fail } = JSON.parse(this.params || '{}') as { ms?: number; fail?: string };
    const run = this.journal.begin(this.record.id, this.node);
    this.progress.setTotal(ms);
    log.info(`sleeping ${ms} ms on ${this.node}`);
    try {
      await delay(ms, undefined, { signal });
      this.progress.setLoaded(ms);
      if (fail) throw new Error(fail);
      log.info('woke up');
    } finally {
      run.end = Date.now();
    }
  }
}

/** The `sleep` factory of tests whose nodes need nothing else: runs SleepTask as node "worker" (needs RunJournal provided). */
@Injectable()
@AsyncTaskFactory('sleep')
export class SleepTaskFactory implements AsyncTaskFactory {
  constructor(private readonly journal: RunJournal) {}

  createTask(params: string, record: AsyncTaskRecord) {
    return new SleepTask(params, record, this.journal, 'worker');
  }

  getTaskType() {
    return 'sleep';
  }
}
