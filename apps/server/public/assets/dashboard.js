// The dashboard: plain browser modules, no build step. It uses the same REST API as any client,
// with the token kept in this browser's localStorage; live updates come from /api/events, counts
// and charts from /api/stats.
import { api, readEvents, session } from './api.js';
import { $, showError } from './dom.js';
import { watchNodes } from './nodes-panel.js';
import { watchSchedules } from './schedules-panel.js';
import { showStatusCounts } from './status-counts.js';
import { refreshStatsNow, refreshStatsSoon, watchStats } from './stats.js';
import { applyLiveUpdate, initTaskList, reloadTasks, setFilters } from './task-list.js';
import { closeTask, openTask, panelLiveUpdate } from './task-panel.js';
import { onTaskClicked } from './task-table.js';

const EXAMPLES = {
  sleep: { ms: 20000 },
  download: { url: 'https://example.org/', name: 'downloads/example.html' },
  transcode: { input: 'clip.mp4', output: 'clip-240.mp4', height: 240 },
};
let signedIn = null; // AbortController of everything tied to the current token
const statuses = new Map(); // task id → last status seen in live updates

function showLive(on) {
  $('#live').textContent = on ? '● live' : '○ reconnecting';
  $('#live').classList.toggle('on', on);
}

/** A task changed: its row, the open panel, and (when its status moved) the counts follow. */
function onTaskUpdate(update) {
  applyLiveUpdate(update);
  panelLiveUpdate(update);
  if (update.status === undefined || statuses.get(update.id) === update.status) return; // progress only
  statuses.set(update.id, update.status);
  refreshStatsSoon();
}

/** Applies live task updates until the session ends, reconnecting after a drop. */
async function listen(signal) {
  while (!signal.aborted) {
    try {
      const response = await api('/api/events', { signal });
      showLive(true);
      await readEvents(response, (event, data) => event === 'task' && onTaskUpdate(JSON.parse(data)));
    } catch (error) {
      if (signal.aborted) return;
      showError(error);
    }
    showLive(false);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

async function signIn(token) {
  signedIn?.abort();
  signedIn = new AbortController();
  Object.assign(session, { token, signal: signedIn.signal });
  localStorage.setItem('async-task-token', token);
  showError(null);
  closeTask();
  statuses.clear();
  try {
    const me = await (await api('/api/me')).json();
    $('#whoami').textContent = me.admin ? `${me.uid} (admin: all tasks)` : `signed in as ${me.uid}`;
    initTaskList({
      admin: me.admin,
      changed: () => {
        showStatusCounts();
        void refreshStatsNow();
      },
      found: (id) => void openTask(id, { reveal: true }),
    });
    watchStats(signedIn.signal);
    setFilters({ status: '', type: '', uid: '' }); // loads the first page, the counts and the charts
    void listen(signedIn.signal);
    void watchNodes(signedIn.signal);
    void watchSchedules(signedIn.signal);
  } catch (error) {
    $('#whoami').textContent = '';
    showError(error);
  }
}

async function submit(event) {
  event.preventDefault();
  try {
    const params = JSON.parse($('#task-params').value || '{}');
    const body = { name: $('#task-name').value, taskType: $('#task-type').value, params };
    const task = await (await api('/api/tasks', { method: 'POST', body: JSON.stringify(body) })).json();
    showError(null);
    void reloadTasks();
    refreshStatsSoon();
    void openTask(task.id);
  } catch (error) {
    showError(error);
  }
}

onTaskClicked((id) => void openTask(id, { reveal: true }));
$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn($('#token').value.trim());
});
$('#submit-form').addEventListener('submit', submit);
$('#task-type').addEventListener('change', () => {
  $('#task-params').value = JSON.stringify(EXAMPLES[$('#task-type').value]);
});
$('#task-params').value = JSON.stringify(EXAMPLES.sleep);
$('#token').value = localStorage.getItem('async-task-token') ?? '';
if ($('#token').value) void signIn($('#token').value);
