/** A reading of a task's `loaded`, stamped with `performance.now()` (monotonic, sub-millisecond). */
export interface LoadedSample {
  loaded: number;
  at: number;
}

/**
 * Units per second between two readings: exact (no rounding to whole units or seconds), 0 when no
 * time passed or when `loaded` went back (a task that restarted its count is not "negative fast").
 */
export function computeSpeed(previous: LoadedSample, current: LoadedSample): number {
  const seconds = (current.at - previous.at) / 1000;
  if (!(seconds > 0)) return 0;
  const speed = (current.loaded - previous.loaded) / seconds;
  return Number.isFinite(speed) && speed > 0 ? speed : 0;
}
