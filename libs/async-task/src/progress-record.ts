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
    return { total: this.total, loaded: this.loaded, speed: this.speed, lastUpdateTime: this.lastUpdateTime };
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
}
