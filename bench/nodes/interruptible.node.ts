import { Injectable } from '@nestjs/common';
import { ProgressRecord, type AsyncTask, type AsyncTaskFactory, type AsyncTaskRecord } from '@sfc/async-task';
import type { RunningNode } from './bench-node.js';
import { startAsyncTaskContext } from './async-task-context.js';
import { INTERRUPTIBLE_TASK_TYPE, type NodeSettings } from './node-protocol.js';

/** Runs until its signal is aborted. Marks "<id>:started" when execute begins and "<id>" when the signal fires. */
class UntilInterruptedTask implements AsyncTask {
  private readonly progress = new ProgressRecord();
  private running = false;

  constructor(
    private readonly record: AsyncTaskRecord,
    private readonly marks: Record<string, number>,
  ) {}

  async execute(_log: unknown, signal: AbortSignal): Promise<void> {
    this.running = true;
    this.marks[`${this.record.id}:started`] = Date.now();
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        this.marks[this.record.id] = Date.now();
        resolve();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    this.running = false;
  }

  interrupt(): void {}

  isRunning(): boolean {
    return this.running;
  }

  getParams(): string {
    return this.record.params;
  }

  getProgress(): ProgressRecord {
    return this.progress;
  }
}

@Injectable()
class UntilInterruptedFactory implements AsyncTaskFactory {
  constructor(private readonly marks: Record<string, number>) {}

  createTask(_params: string, record: AsyncTaskRecord): AsyncTask {
    return new UntilInterruptedTask(record, this.marks);
  }

  getTaskType(): string {
    return INTERRUPTIBLE_TASK_TYPE;
  }
}

/** A worker node whose tasks wait for an interrupt; marks are task id → when the interrupt arrived here. */
export async function startInterruptibleNode(settings: NodeSettings): Promise<RunningNode> {
  const marks: Record<string, number> = {};
  const app = await startAsyncTaskContext(settings.databaseUrl, {
    redis: settings.redisUrl,
    prefix: settings.prefix,
    maxLoad: settings.concurrency * 100,
    factories: [new UntilInterruptedFactory(marks)],
    ...settings.moduleOptions,
  });
  return {
    report: async () => ({ marks }),
    close: () => app.close(),
  };
}
