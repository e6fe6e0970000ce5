// The dashboard: plain browser JavaScript, no build step. It talks to the same REST API as any
// client, with the token kept in this browser's localStorage. Live updates come from /api/events
// (read with fetch, since EventSource cannot send an Authorization header).
const STATUS = ['WAITING', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED', 'OFFLINE'];
const FINAL = new Set([2, 3, 4]);
const EXAMPLES = {
  sleep: { ms: 20000 },
  download: { url: 'https://example.org/', name: 'downloads/example.html' },
  transcode: { input: 'clip.mp4', output: 'clip-240.mp4', height: 240 },
};

const $ = (selector) => document.querySelector(selector);
const tasks = new Map(); // id → latest known task (record fields + progress)
let token = localStorage.getItem('async-task-token') ?? '';
let session = null; // AbortController of everything tied to the current token
let followed = null; // { id, abort }

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    signal: options.signal ?? session?.signal,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...options.headers },
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(`${response.status}: ${Array.isArray(body.message) ? body.message.join(', ') : body.message ?? response.statusText}`);
  }
  return response;
}

function showError(error) {
  if (error?.name === 'AbortError') return;
  $('#error').textContent = error ? String(error.message ?? error) : '';
  $('#error').hidden = !error;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function formatBytes(bytes) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) [value, unit] = [value / 1024, unit + 1];
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Speed in the task's own units: bytes for downloads, media (or sleep) time for the others. */
function formatSpeed(task) {
  const speed = task.progress?.speed ?? 0;
  if (task.status !== 1 || !speed) return '';
  if (task.taskType === 'download') return `${formatBytes(speed)}/s`;
  return `${(speed / 1000).toFixed(2)}× real time`;
}

function renderTask(task) {
  const { total = 0, loaded = 0 } = task.progress ?? {};
  const percent = task.status === 2 ? 100 : total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
  const name = STATUS[task.status] ?? String(task.status);
  const row = el(
    'tr',
    { 'data-task-id': task.id, class: followed?.id === task.id ? 'selected' : '', onclick: () => follow(task.id) },
    el('td', { title: task.id }, task.name),
    el('td', {}, task.taskType),
    el('td', {}, el('span', { class: `status status-${name}` }, name)),
    el('td', {},
      el('span', { class: 'bar', role: 'progressbar', 'aria-valuenow': String(percent), 'aria-valuemin': '0', 'aria-valuemax': '100' },
        el('span', { style: `width: ${percent}%` })),
      el('span', { class: 'percent' }, `${percent}%`)),
    el('td', { class: 'speed' }, formatSpeed(task)),
    el('td', {}, el('button', { class: 'interrupt', type: 'button', ...(FINAL.has(task.status) ? { disabled: '' } : {}), onclick: (event) => interrupt(event, task.id) }, 'Interrupt')),
  );
  const existing = document.querySelector(`tr[data-task-id="${CSS.escape(task.id)}"]`);
  if (existing) existing.replaceWith(row);
  else $('#tasks tbody').prepend(row);
  $('#no-tasks').hidden = true;
}

function upsert(update) {
  const task = { ...tasks.get(update.id), ...update };
  tasks.set(task.id, task);
  renderTask(task);
}

async function loadTasks() {
  const page = await (await api('/api/tasks?size=50')).json();
  $('#tasks tbody').replaceChildren();
  tasks.clear();
  for (const task of page.items.reverse()) upsert(task);
  $('#no-tasks').hidden = page.items.length > 0;
}

/** Reads the event stream until it ends, then reconnects; stops when the session changes. */
async function listen(signal) {
  while (!signal.aborted) {
    try {
      const response = await api('/api/events', { signal });
      $('#live').textContent = '● live';
      $('#live').classList.add('on');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
          if (/^event: task$/m.test(message) && data) upsert(JSON.parse(data));
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      showError(error);
    }
    $('#live').textContent = '○ reconnecting';
    $('#live').classList.remove('on');
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

async function follow(id) {
  followed?.abort.abort();
  const abort = new AbortController();
  followed = { id, abort };
  for (const row of document.querySelectorAll('tr[data-task-id]')) row.classList.toggle('selected', row.dataset.taskId === id);
  $('#log-title').textContent = `${tasks.get(id)?.name ?? id} (${id})`;
  $('#log').textContent = '';
  try {
    const response = await api(`/api/tasks/${encodeURIComponent(id)}/log?follow=1`, { signal: abort.signal });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const log = $('#log');
      const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.append(value);
      if (atBottom) log.scrollTop = log.scrollHeight;
    }
  } catch (error) {
    if (!abort.signal.aborted) showError(error);
  }
}

async function interrupt(event, id) {
  event.stopPropagation();
  event.target.disabled = true;
  try {
    const result = await (await api(`/api/tasks/${encodeURIComponent(id)}/interrupt`, { method: 'POST' })).json();
    upsert({ id, status: result.status }); // a running task stays RUNNING until its CANCELLED event arrives
  } catch (error) {
    showError(error);
  }
}

async function submit(event) {
  event.preventDefault();
  try {
    const params = JSON.parse($('#task-params').value || '{}');
    const body = { name: $('#task-name').value, taskType: $('#task-type').value, params };
    const task = await (await api('/api/tasks', { method: 'POST', body: JSON.stringify(body) })).json();
    upsert(task);
    showError(null);
    void follow(task.id);
  } catch (error) {
    showError(error);
  }
}

async function refreshNodes(signal) {
  while (!signal.aborted) {
    try {
      const nodes = await (await api('/api/nodes', { signal })).json();
      $('#nodes tbody').replaceChildren(
        ...nodes.map((node) =>
          el('tr', { 'data-node-id': node.nodeId, title: `${node.host} pid ${node.pid}; types: ${node.taskTypes.join(', ')}` },
            el('td', {}, node.nodeId),
            el('td', {},
              el('span', { class: 'bar' }, el('span', { style: `width: ${Math.min(100, (node.load / node.maxLoad) * 100)}%` })),
              el('span', { class: 'percent' }, `${node.load}/${node.maxLoad}`)),
            el('td', {}, String(node.runningTasks.length)))),
      );
    } catch (error) {
      if (signal.aborted) return;
      showError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function signIn(newToken) {
  token = newToken;
  localStorage.setItem('async-task-token', token);
  session?.abort();
  session = new AbortController();
  showError(null);
  try {
    const me = await (await api('/api/me')).json();
    $('#whoami').textContent = me.admin ? `${me.uid} (admin: all tasks)` : `signed in as ${me.uid}`;
    await loadTasks();
    void listen(session.signal);
    void refreshNodes(session.signal);
  } catch (error) {
    $('#whoami').textContent = '';
    showError(error);
  }
}

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn($('#token').value.trim());
});
$('#submit-form').addEventListener('submit', submit);
$('#task-type').addEventListener('change', () => {
  $('#task-params').value = JSON.stringify(EXAMPLES[$('#task-type').value]);
});
$('#task-params').value = JSON.stringify(EXAMPLES.sleep);
$('#token').value = token;
if (token) void signIn(token);
