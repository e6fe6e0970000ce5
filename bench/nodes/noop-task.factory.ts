import { Injectable } from '@nestjs/common';
import { AsyncTaskFactory, ProgressRecord, type AsyncTask } from '@sfc/async-task';
import { NOOP_TASK_TYPE } from './node-protocol.js';

/** The trivial task: execute resolves at once and writes no log, so only the framework's cost is measured. */
class NoopTask implements AsyncTask {
  private readonly progress = new ProgressRecord();

  constructor(private readonly params: string) {}

  execute(): void {}

  interrupt(): void {}

  isRunning(): boolean {
    return false;
  }

  getParams(): string {
    return this.params;
  }

  getProgress(): ProgressRecord {
    return this.progress;
  }
}

@Injectable()
@AsyncTaskFactory(NOOP_TASK_TYPE)
export class NoopTaskFactory implements AsyncTaskFactory {
  createTask(params: string): AsyncTask {
    return new NoopTask(params);
  }

  getTaskType(): string {
    return NOOP_TASK_TYPE;
  }
}
