import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { AsyncTask } from '../task/async-task.interface.js';
import type { ProgressSnapshot } from '../task/progress-record.js';
import { computeSpeed, type LoadedSample } from './progress-speed.js';
import { ProgressStore } from './progress.store.js';
import { describeError } from '../util/describe-error.js';
import { waitAtMost } from '../util/with-timeout.js';

/** Running tasks are sampled once a second: speed is "per second", measured over that window. */
const SAMPLE_INTERVAL_MS = 1000;
/** A reading closer than this to the previous one keeps the previous speed: so short a window is noise. */
const MIN_SPEED_WINDOW_MS = 250;
/** How long the end of an attempt waits for its final sample to be stored. */
const FINAL_WRITE_TIMEOUT_MS = 2000;

interface TrackedTask {
  taskId: string;
  attempt: number;
  task: AsyncTask;
  previous: LoadedSample;
  speed: number;
  /** Whether a sample was stored for this attempt (else a final 0/0 is not worth a write). */
  stored: boolean;
}

/**
 * Samples the progress of every task running on this node with one timer (not one per task),
 * computes its speed from the real time elapsed, and stores a copy for readers on any node.
 * Storing is best effort: a Redis outage is logged once and never disturbs the tasks.
 */
@Injectable()
export class ProgressSampler {
  private readonly logger = new Logger(ProgressSampler.name);
  private readonly tracked = new Map<string, TrackedTask>();
  private timer: NodeJS.Timeout | undefined;
  private writing = false;
  private failing = false;

  constructor(private readonly progressStore: ProgressStore) {}

  /** Starts sampling an attempt's task; the node's timer runs while any task is tracked. */
  track(taskId: string, attempt: number, task: AsyncTask): void {
    const loaded = Number(readProgress(task)?.loaded) || 0;
    this.tracked.set(taskId, { taskId, attempt, task, previous: { loaded, at: performance.now() }, speed: 0, stored: false });
    this.timer ??= setInterval(() => void this.sampleAll(), SAMPLE_INTERVAL_MS);
  }

  /** Stops sampling an attempt and stores its final sample (waits a bounded time; never throws). */
  async untrack(taskId: string): Promise<void> {
    const tracked = this.tracked.get(taskId);
    if (!tracked) return;
    this.tracked.delete(taskId);
    if (this.tracked.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    const snapshot = this.sample(tracked);
    // A task that never reported progress (a quick one, typically) costs no Redis write at all.
    if (!snapshot || (!tracked.stored && snapshot.total === 0 && snapshot.loaded === 0)) return;
    await waitAtMost(this.save(tracked, snapshot), FINAL_WRITE_TIMEOUT_MS);
  }

  private async sampleAll(): Promise<void> {
    // Writes still out (Redis slow or away): skip; the next sample then measures over a longer window.
    if (this.writing) return;
    this.writing = true;
    try {
      const writes: Array<Promise<void>> = [];
      for (const tracked of this.tracked.values()) {
        const snapshot = this.sample(tracked);
        if (snapshot) writes.push(this.save(tracked, snapshot));
      }
      await Promise.all(writes);
    } finally {
      this.writing = false;
    }
  }

  private sample(tracked: TrackedTask): ProgressSnapshot | undefined {
    const progress = readProgress(tracked.task);
    if (!progress) return undefined;
    const current = { loaded: Number(progress.loaded) || 0, at: performance.now() };
    if (current.at - tracked.previous.at >= MIN_SPEED_WINDOW_MS) {
      tracked.speed = computeSpeed(tracked.previous, current);
      tracked.previous = current;
    }
    return {
      total: Number(progress.total) || 0,
      loaded: current.loaded,
      speed: tracked.speed,
      lastUpdateTime: Number(progress.lastUpdateTime) || Date.now(),
      sampledAt: Date.now(),
    };
  }

  private async save(tracked: TrackedTask, snapshot: ProgressSnapshot): Promise<void> {
    tracked.stored = true;
    try {
      await this.progressStore.write(tracked.taskId, tracked.attempt, snapshot);
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`Storing task progress failed (${describeError(error)}); retrying every sample`);
      this.failing = true;
    }
  }
}

/** The task's live progress object, or undefined if getProgress() throws or returns nothing usable. */
function readProgress(task: AsyncTask): ProgressSnapshot | undefined {
  try {
    const progress = task.getProgress();
    return progress && typeof progress === 'object' ? progress : undefined;
  } catch {
    return undefined;
  }
}
