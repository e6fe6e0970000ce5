import { performance } from 'node:perf_hooks';
import { type AsyncTaskLog, type AsyncTaskRecord, BaseAsyncTask } from '@sfc/async-task';

/** Lets a test hold tasks until it says so (the nodes of a test share one process, hence one gate). */
export class TaskGate {
  private readonly released = new Set<string>();
  private readonly waiters = new Map<string, Array<() => void>>();
  /** When each task wrote each line (`"<taskId> <line>"` → performance.now()). */
  readonly writtenAt = new Map<string, number>();

  release(taskId: string): void {
    this.released.add(taskId);
    for (const wake of this.waiters.get(taskId) ?? []) wake();
    this.waiters.delete(taskId);
  }

  /** Resolves when the task is released, or when the signal aborts (the node stops the task). */
  wait(taskId: string, signal: AbortSignal): Promise<void> {
    if (this.released.has(taskId) || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.set(taskId, [...(this.waiters.get(taskId) ?? []), resolve]);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

/** Common bookkeeping of the test tasks below: the library's, plus the record, the gate and parsed params. */
abstract class TestTask extends BaseAsyncTask {
  constructor(
    params: string,
    protected readonly record: AsyncTaskRecord,
    protected readonly gate: TaskGate,
  ) {
    super(params);
  }

  protected run(log: AsyncTaskLog, signal: AbortSignal): Promise<void> {
    return this.work(log, signal, JSON.parse(this.params || '{}'));
  }

  protected abstract work(log: AsyncTaskLog, signal: AbortSignal, params: Record<string, number>): Promise<void>;
}

/** `talk`: writes `line 1 … line N` every `everyMs`, then waits at the gate, then writes `done`. */
export class TalkTask extends TestTask {
  protected async work(log: AsyncTaskLog, signal: AbortSignal, { lines = 3, everyMs = 0 }: Record<string, number>) {
    for (let line = 1; line <= lines && !signal.aborted; line++) {
      if (everyMs > 0 && line > 1) await new Promise((resolve) => setTimeout(resolve, everyMs));
      this.gate.writtenAt.set(`${this.record.id} ${line}`, performance.now());
      log.info(`line ${line} of attempt ${this.record.attempt}`);
    }
    await this.gate.wait(this.record.id, signal);
    if (signal.aborted) throw signal.reason;
    log.info('done');
  }
}

/** `flood`: writes `bytes` of log lines as fast as it can (yielding now and then), then `done`. */
export class FloodTask extends TestTask {
  protected async work(log: AsyncTaskLog, _signal: AbortSignal, { bytes = 0 }: Record<string, number>) {
    const line = `${'x'.repeat(90)}\n`;
    for (let written = 0; written < bytes; written += line.length) {
      log.write(line);
      if (written % (1000 * line.length) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    log.info('done');
  }
}

/** `steady`: advances `loaded` at 1000 units per second of real time, in small steps, for `ms`. */
export class SteadyTask extends TestTask {
  protected async work(_log: AsyncTaskLog, signal: AbortSignal, { ms = 1000 }: Record<string, number>) {
    this.progress.setTotal(ms);
    const start = performance.now();
    while (!signal.aborted) {
      const elapsed = Math.min(ms, Math.floor(performance.now() - start));
      this.progress.setLoaded(elapsed);
      if (elapsed >= ms) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

type TestTaskClass = new (params: string, record: AsyncTaskRecord, gate: TaskGate) => TestTask;

/** A factory instance for one of the test tasks above, sharing the test's gate. */
export function testTaskFactory(taskType: 'talk' | 'flood' | 'steady', gate: TaskGate) {
  const classes: Record<string, TestTaskClass> = { talk: TalkTask, flood: FloodTask, steady: SteadyTask };
  return {
    createTask: (params: string, record: AsyncTaskRecord) => new classes[taskType](params, record, gate),
    getTaskType: () => taskType,
  };
}
