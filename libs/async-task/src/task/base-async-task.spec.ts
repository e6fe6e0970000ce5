import { BaseAsyncTask } from './base-async-task.js';
import { AsyncTaskLog } from './async-task-log.js';
import { AttemptLog } from '../task-log/attempt-log.js';

class WaitForAbort extends BaseAsyncTask {
  protected run(log: AsyncTaskLog, signal: AbortSignal): Promise<void> {
    this.progress.setTotal(1);
    log.info(`started with ${this.params}`);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

describe('BaseAsyncTask', () => {
  const newLog = () => new AsyncTaskLog(new AttemptLog(10_000));

  it('runs until interrupt() aborts its signal, tracking isRunning', async () => {
    const task = new WaitForAbort('{"a":1}');
    const running = task.execute(newLog(), new AbortController().signal);
    expect(task.isRunning()).toBe(true);
    expect(task.getParams()).toBe('{"a":1}');
    expect(task.getProgress().total).toBe(1);
    task.interrupt();
    await running;
    expect(task.isRunning()).toBe(false);
  });

  it('also stops when the framework aborts the signal it gave', async () => {
    const framework = new AbortController();
    const task = new WaitForAbort('');
    const running = task.execute(newLog(), framework.signal);
    framework.abort();
    await expect(running).resolves.toBeUndefined();
    expect(task.isRunning()).toBe(false);
  });
});
