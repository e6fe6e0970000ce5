// Counts and charts from GET /api/stats, for the current type/owner filter: fetched every
// 10 seconds, and soon after a task changes status or the filters change.
import { api } from './api.js';
import { showError } from './dom.js';
import { showCharts } from './charts.js';
import { showStatusCounts } from './status-counts.js';
import { offerFilterOptions, view } from './task-list.js';

const EVERY_MS = 10_000;
const SOON_MS = 700; // a burst of status changes is fetched for once
let signal;
let timer;
let fetching = null;
let again = false; // asked for while a fetch was under way (maybe with other filters)

function statsPath() {
  const query = new URLSearchParams();
  if (view.type) query.set('type', view.type);
  if (view.uid) query.set('uid', view.uid);
  return `/api/stats?${query}`;
}

async function refresh() {
  clearTimeout(timer);
  if (signal?.aborted) return;
  try {
    const stats = await (await api(statsPath(), { signal })).json();
    showStatusCounts(stats);
    offerFilterOptions(stats);
    showCharts(stats);
  } catch (error) {
    showError(error);
  }
  if (!signal?.aborted) timer = setTimeout(() => void refresh(), EVERY_MS);
}

/** Ties the fetches to this session (they stop when `sessionSignal` aborts); the first fetch starts them. */
export function watchStats(sessionSignal) {
  signal = sessionSignal;
  signal.addEventListener('abort', () => clearTimeout(timer));
}

/** Fetches now: one fetch at a time, and one more after it when asked again meanwhile. */
export function refreshStatsNow() {
  if (fetching) {
    again = true;
    return fetching;
  }
  fetching = refresh().finally(() => {
    fetching = null;
    if (again) {
      again = false;
      void refreshStatsNow();
    }
  });
  return fetching;
}

/** Fetches shortly, so many changes at once cost one request. */
export function refreshStatsSoon() {
  clearTimeout(timer);
  timer = setTimeout(() => void refreshStatsNow(), SOON_MS);
}
