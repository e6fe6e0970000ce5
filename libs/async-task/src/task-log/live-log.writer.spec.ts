import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { LiveLog } from './live-log.js';

/** Keeps the warnings instead of printing them. */
class RecordingLogger extends Logger {
  readonly warnings: string[] = [];
  override warn(message: string): void {
    this.warnings.push(message);
  }
}

describe('LiveLog while Redis is unreachable', () => {
  // A real client pointed at a port nothing listens on: the outage case, without a mock.
  const unreachable = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, commandTimeout: 500, retryStrategy: () => 50, disconnectTimeout: 10 });
  unreachable.on('error', () => {});
  afterAll(() => unreachable.disconnect());

  it('neither blocks nor throws: writes return at once and the end waits a bounded time', async () => {
    const logger = new RecordingLogger();
    const live = new LiveLog(unreachable, 'nowhere:log:task:1', logger);
    live.start('node-a', new Date());

    const writing = performance.now();
    for (let line = 0; line < 10_000; line++) live.append(`line ${line}\n`);
    expect(performance.now() - writing).toBeLessThan(500);

    const ending = performance.now();
    await live.end();
    expect(performance.now() - ending).toBeLessThan(3000);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/Live log nowhere:log:task:1 not written .*the saved log keeps every line/);
  });
});
