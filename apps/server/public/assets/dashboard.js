// The dashboard: plain browser modules, no build step. It uses the same REST API as any client,
// with the token kept in this browser's localStorage; live updates come from /api/events.
import { api, readEvents, session } from './api.js';
import { $, showError } from './dom.js';
import { followLog } from './log-view.js';
import { watchNodes } from './nodes-panel.js';
import { loadTasks, onTaskClicked, upsertTask } from './task-table.js';

const EXAMPLES = {
  sleep: { ms: 20000 },
  download: { url: 'https://example.org/', name: 'downloads/example.html' },
  transcode: { input: 'clip.mp4', output: 'clip-240.mp4', height: 240 },
};
let signedIn = null; // AbortController of everything tied to the current token

function showLive(on) {
  $('#live').textContent = on ? '● live' : '○ reconnecting';
  $('#live').classList.toggle('on', on);
}

/** Applies live task updates until the session ends, reconnecting after a drop. */
async function listen(signal) {
  while (!signal.aborted) {
    try {
      const response = await api('/api/events', { signal });
      showLive(true);
      await readEvents(response, (event, data) => event === 'task' && upsertTask(JSON.parse(data)));
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
  try {
    const me = await (await api('/api/me')).json();
    $('#whoami').textContent = me.admin ? `${me.uid} (admin: all tasks)` : `signed in as ${me.uid}`;
    await loadTasks();
    void listen(signedIn.signal);
    void watchNodes(signedIn.signal);
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
    upsertTask(task);
    showError(null);
    void followLog(task.id);
  } catch (error) {
    showError(error);
  }
}

onTaskClicked(followLog);
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
