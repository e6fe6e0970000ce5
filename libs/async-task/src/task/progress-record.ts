/**
 * How far a task has come. A task keeps one live instance and updates `total`/`loaded`; the
 * framework samples it every second and stores a copy with `speed` filled in (it never writes into
 * the task's own instance). `AsyncTaskManager.getProgress()` returns a new detached copy each time.
 */
export class ProgressRecord {
  /** Units of work in all (bytes, frames, items…); 0 while unknown. */
  total = 0;
  /** Units done so far. */
  loaded = 0;
  /** Units per second over the last sampling interval (real elapsed time), in the framework's copies. */
  speed = 0;
  /** Epoch milliseconds of the last change of `total` or `loaded`. */
  lastUpdateTime = Date.now();
  /**
   * Epoch milliseconds when the framework took this copy, on the node running the task (about once a
   * second while it runs, and once at its end); undefined on a task's own live object. An old
   * `sampledAt` means the copy is stale (the attempt ended or its node stopped); a fresh one with an
   * old `lastUpdateTime` means the task runs but reports no progress.
   */
  sampledAt?: number;

  setTotal(total: number): this {
    this.total = total;
    this.lastUpdateTime = Date.now();
    return this;
  }

  setLoaded(loaded: number): this {
    this.loaded = loaded;
    this.lastUpdateTime = Date.now();
    return this;
  }

  appendLoaded(delta: number): this {
    return this.setLoaded(this.loaded + delta);
  }

  /** A detached plain copy (what is stored and returned to readers). */
  toJSON(): ProgressSnapshot {
    const { total, loaded, speed, lastUpdateTime, sampledAt } = this;
    return sampledAt === undefined ? { total, loaded, speed, lastUpdateTime } : { total, loaded, speed, lastUpdateTime, sampledAt };
  }

  static from(snapshot: ProgressSnapshot): ProgressRecord {
    return Object.assign(new ProgressRecord(), snapshot);
  }
}

export interface ProgressSnapshot {
  total: number;
  loaded: number;
  speed: number;
  lastUpdateTime: number;
  /** When the framework sampled it (epoch ms); set on stored copies only. */
  sampledAt?: number;
}
