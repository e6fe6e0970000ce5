import { type Job, Worker } from 'bullmq';
import type { TaskJobData } from './task-queues.js';

/**
 * The BullMQ worker of one task type's queue, driven by hand (no processor: the receiver fetches
 * entries, and a fetched entry only needs claiming). Adds what BullMQ's own processing loop does and
 * its public API does not offer: complete an entry and take the next one in the same call.
 *
 * That goes through BullMQ's protected `handleCompleted` (its public parts, `Job.moveToCompleted`
 * and `Job.fromJSON`, would mean copying what the worker does with the next entry). BullMQ may change
 * a protected method in any release, so the package's bullmq peer range is narrow (same minor) and
 * test/task-entry-worker.e2e-spec.ts fails loudly when an installed BullMQ no longer does this.
 */
export class TaskEntryWorker extends Worker<TaskJobData> {
  /**
   * Completes a claimed entry (it is removed) and, when `fetchNext`, moves the next entry to active
   * under the same token and returns it: one Redis round trip per task instead of two.
   */
  completeAndFetchNext(job: Job<TaskJobData>, token: string, fetchNext: boolean): Promise<Job<TaskJobData> | undefined> {
    return this.handleCompleted(null, job, token, () => fetchNext);
  }
}
