import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { TaskEntryWorker } from '../src/queue/task-entry.worker.js';
import type { TaskJobData } from '../src/queue/task-queues.js';
import { REDIS_URL, uniqueName } from '../../../test/support/test-environment.js';

/**
 * TaskEntryWorker completes an entry and fetches the next in one call through BullMQ's protected
 * `Worker.handleCompleted`, which BullMQ may change in any release. The package's bullmq peer range
 * is therefore narrow; this test fails loudly, with the reason, as soon as an installed BullMQ no
 * longer behaves as the receiver relies on.
 */
describe('TaskEntryWorker on the installed BullMQ', () => {
  const prefix = uniqueName('entry_worker');
  const queueName = 'entries';
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const workerConnection = connection.duplicate();
  let queue: Queue<TaskJobData>;
  let worker: TaskEntryWorker;

  beforeAll(async () => {
    queue = new Queue<TaskJobData>(queueName, { connection, prefix });
    worker = new TaskEntryWorker(queueName, null, { connection: workerConnection, prefix, autorun: false });
    await queue.addBulk(
      ['first', 'second'].map((taskId) => ({
        name: queueName,
        data: { taskId, attempt: 0, cpuOverhead: 0 },
        opts: { jobId: taskId, removeOnComplete: true, removeOnFail: true },
      })),
    );
  });

  afterAll(async () => {
    await worker.close(true);
    await queue.obliterate({ force: true });
    await queue.close();
    await Promise.all([connection.quit(), workerConnection.quit()]);
  });

  it('is used with a BullMQ inside the narrow peer range it was checked against', () => {
    const require = createRequire(import.meta.url);
    const peerRange: string = require('../package.json').peerDependencies.bullmq;
    const installed: string = require('bullmq/package.json').version;
    // "~6.7.0": same major and minor, any patch.
    const [major, minor] = peerRange.replace(/^~/, '').split('.');
    expect(peerRange.startsWith('~')).toBe(true);
    expect(installed.split('.').slice(0, 2)).toEqual([major, minor]);
  });

  it('completes an entry and hands back the next one in the same call', async () => {
    const token = 'entry-worker-test:1';
    const first = await worker.getNextJob(token, { block: false });
    expect(first?.data.taskId).toBe('first');
    const next = await worker.completeAndFetchNext(first!, token, true);
    expect(next?.data.taskId).toBe('second');
    // The completed entry is gone (removeOnComplete), the next one is active under the same token.
    expect(await queue.getJob('first')).toBeUndefined();
    expect(await queue.getJobState('second')).toBe('active');
    const none = await worker.completeAndFetchNext(next!, token, false);
    expect(none).toBeUndefined();
    expect(await queue.getJob('second')).toBeUndefined();
  });
});
