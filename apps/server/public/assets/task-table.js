// The table of the caller's tasks: status, attempts, progress bar, speed, interrupt and rerun buttons per task.
import { api } from './api.js';
import { $, el, formatBytes, progressBar, showError } from './dom.js';

const STATUS = ['WAITING', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED', 'OFFLINE'];
const FINAL = new Set([2, 3, 4]);
const tasks = new Map(); // id → latest known task (record fields + progress)
let selectedId = null;
let onSelect = () => {};

/** Speed in the task's own units: bytes for downloads, media (or sleep) time for the others. */
function formatSpeed(task) {
  const speed = task.progress?.speed ?? 0;
  if (task.status !== 1 || !speed) return '';
  if (task.taskType === 'download') return `${formatBytes(speed)}/s`;
  return `${(speed / 1000).toFixed(2)}× real time`;
}

/** Attempts so far, and when a failed task waiting for its retry will start again. */
function formatAttempts(task) {
  const attempts = String(task.attempt ?? 0);
  const retryAt = task.status === 0 && task.retryCount > 0 && task.runAfter ? new Date(task.runAfter) : null;
  return retryAt ? `${attempts}, retry at ${retryAt.toLocaleTimeString()}` : attempts;
}

function render(task) {
  const { total = 0, loaded = 0 } = task.progress ?? {};
  const percent = task.status === 2 ? 100 : total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
  const status = STATUS[task.status] ?? String(task.status);
  const row = el(
    'tr',
    { 'data-task-id': task.id, class: selectedId === task.id ? 'selected' : '', onclick: () => onSelect(task.id) },
    el('td', { title: `${task.id}, owner ${task.uid ?? '-'}` }, task.name),
    el('td', {}, task.taskType),
    el('td', {}, el('span', { class: `status status-${status}`, title: task.failedReason ?? '' }, status)),
    el('td', { class: 'attempts', title: task.failedReason ? `last failure: ${task.failedReason}` : '' }, formatAttempts(task)),
    el('td', {}, ...progressBar(percent, `${percent}%`)),
    el('td', { class: 'speed' }, formatSpeed(task)),
    el('td', { class: 'actions' },
      el('button', { class: 'interrupt', type: 'button', ...(FINAL.has(task.status) ? { disabled: '' } : {}), onclick: (event) => interrupt(event, task.id) }, 'Interrupt'),
      el('button', { class: 'rerun', type: 'button', ...(FINAL.has(task.status) ? {} : { disabled: '' }), onclick: (event) => rerun(event, task.id) }, 'Rerun')),
  );
  const existing = document.querySelector(`tr[data-task-id="${CSS.escape(task.id)}"]`);
  if (existing) existing.replaceWith(row);
  else $('#tasks tbody').prepend(row);
  $('#no-tasks').hidden = true;
}

async function interrupt(event, id) {
  event.stopPropagation();
  event.target.disabled = true;
  try {
    const result = await (await api(`/api/tasks/${encodeURIComponent(id)}/interrupt`, { method: 'POST' })).json();
    upsertTask({ id, status: result.status }); // a running task stays RUNNING until its CANCELLED event arrives
  } catch (error) {
    showError(error);
  }
}

/** Runs an ended task again under the same id; the answer (WAITING) redraws its row at once. */
async function rerun(event, id) {
  event.stopPropagation();
  event.target.disabled = true;
  try {
    upsertTask(await (await api(`/api/tasks/${encodeURIComponent(id)}/rerun`, { method: 'POST' })).json());
  } catch (error) {
    showError(error);
  }
}

/** Adds or updates a task (a full record or a live update) and redraws its row. */
export function upsertTask(update) {
  const task = { ...tasks.get(update.id), ...update };
  tasks.set(task.id, task);
  render(task);
}

export function taskName(id) {
  return tasks.get(id)?.name ?? id;
}

/** Highlights the task whose log is shown; `callback` runs when a row is clicked. */
export function selectTask(id) {
  selectedId = id;
  for (const row of document.querySelectorAll('tr[data-task-id]')) row.classList.toggle('selected', row.dataset.taskId === id);
}

export function onTaskClicked(callback) {
  onSelect = callback;
}

/** Reloads the newest 50 tasks. */
export async function loadTasks() {
  const page = await (await api('/api/tasks?size=50')).json();
  $('#tasks tbody').replaceChildren();
  tasks.clear();
  for (const task of page.items.reverse()) upsertTask(task);
  $('#no-tasks').hidden = page.items.length > 0;
}
