// The caller's recurring schedules (all of them for an admin): when each fires, its next due time
// and how its last run went, refreshed every 2 seconds while signed in.
import { api } from './api.js';
import { $, el, showError } from './dom.js';
import { formatDuration, formatTime, statusName } from './format.js';

/** `0 3 * * * (Europe/Paris)` or `every 30.0 s`. */
function timingOf(schedule) {
  return schedule.cron ? `${schedule.cron} (${schedule.timezone})` : `every ${formatDuration(schedule.everyMs)}`;
}

function lastRun(schedule) {
  if (schedule.lastTaskStatus === null) return el('span', { class: 'muted' }, schedule.lastTaskId ? 'pruned' : 'not yet');
  const status = statusName(schedule.lastTaskStatus);
  return el('span', { class: `status status-${status}`, title: `${schedule.lastTaskId}, due ${formatTime(schedule.lastDueAt)}` }, status);
}

export async function watchSchedules(signal) {
  while (!signal.aborted) {
    try {
      const schedules = await (await api('/api/schedules', { signal })).json();
      $('#schedules tbody').replaceChildren(
        ...schedules.map((schedule) =>
          el('tr', { 'data-schedule-id': schedule.id, title: `${schedule.taskType} "${schedule.name}"; missed ticks: ${schedule.catchUp}; overlap: ${schedule.overlap}` },
            el('td', {}, el('span', { class: 'schedule-id' }, schedule.id), el('span', { class: 'timing muted' }, timingOf(schedule))),
            el('td', { class: 'next-due' }, formatTime(schedule.nextDueAt)),
            el('td', { class: 'last-run' }, lastRun(schedule)))),
      );
      $('#no-schedules').hidden = schedules.length > 0;
    } catch (error) {
      if (signal.aborted) return;
      showError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
