// Tasks per status as buttons above the table: the figures of the current type/owner filter, and a
// click on one shows only that status (a second click, or "All", shows every status again).
import { $, el } from './dom.js';
import { STATUS_NAMES } from './format.js';
import { setFilters, view } from './task-list.js';

let lastStats = null;

function countButton(status, label, count) {
  const pressed = view.status === status;
  return el('button', {
    type: 'button',
    class: `count ${status ? `status-${status}` : 'all'}`,
    'data-status': status || 'ALL',
    'aria-pressed': String(pressed),
    onclick: () => setFilters({ status: pressed ? '' : status }),
  }, el('span', { class: 'label' }, label), el('span', { class: 'figure' }, String(count)));
}

/** Draws the counts of the latest stats (or redraws the last ones, e.g. after a filter change). */
export function showStatusCounts(stats = lastStats) {
  if (!stats) return;
  lastStats = stats;
  $('#status-counts').replaceChildren(
    countButton('', 'All', stats.total),
    ...STATUS_NAMES.map((status) => countButton(status, status.toLowerCase(), stats.counts[status] ?? 0)),
  );
}
