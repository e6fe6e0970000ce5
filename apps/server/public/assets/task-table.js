// The rows of the task table: status, attempts, progress bar, speed, age, and Interrupt (while a task is
// active) and Rerun (once it has ended) buttons.
// Which tasks are shown is decided by task-list.js; this file draws them and keeps them current.
import { api } from './api.js';
import { $, el, progressBar, showError } from './dom.js';
import { formatBytes, formatTime, statusName, timeAgo } from './format.js';

const FINAL = new Set([2, 3, 4]);
const tasks = new Map(); // id → latest known task (record fields + progress) of the rows shown
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

function rowOf(task) {
  const { total = 0, loaded = 0 } = task.progress ?? {};
  const percent = task.status === 2 ? 100 : total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
  const status = statusName(task.status);
  return el(
    'tr',
    { 'data-task-id': task.id, class: selectedId === task.id ? 'selected' : '', onclick: () => onSelect(task.id) },
    el('td', { title: task.id }, task.name),
    el('td', {}, task.taskType),
    el('td', { class: 'owner-column' }, task.uid ?? '–'),
    el('td', {}, el('span', { class: `status status-${status}`, title: task.failedReason ?? '' }, status)),
    el('td', { class: 'attempts', title: task.failedReason ? `last failure: ${task.failedReason}` : '' }, formatAttempts(task)),
    el('td', {}, ...progressBar(percent, `${percent}%`)),
    el('td', { class: 'speed' }, formatSpeed(task)),
    el('td', { class: 'created', title: formatTime(task.createdAt) }, task.createdAt ? timeAgo(task.createdAt) : ''),
    el('td', { class: 'actions' },
      el('button', { class: 'interrupt', type: 'button', ...(FINAL.has(task.status) ? { disabled: '' } : {}), onclick: (event) => interrupt(event, task.id) }, 'Interrupt'),
      el('button', { class: 'rerun', type: 'button', ...(FINAL.has(task.status) ? {} : { disabled: '' }), onclick: (event) => rerun(event, task.id) }, 'Rerun')),
  );
}

const rowElement = (id) => document.querySelector(`#tasks tr[data-task-id="${CSS.escape(id)}"]`);

async function interrupt(event, id) {
  event.stopPropagation();
  event.target.disabled = true;
  try {
    const result = await (await api(`/api/tasks/${encodeURIComponent(id)}/interrupt`, { method: 'POST' })).json();
    updateTask({ id, status: result.status }); // a running task stays RUNNING until its CANCELLED event arrives
  } catch (error) {
    showError(error);
  }
}

/** Runs an ended task again under the same id; the answer (WAITING) redraws its row at once. */
async function rerun(event, id) {
  event.stopPropagation();
  event.target.disabled = true;
  try {
    updateTask(await (await api(`/api/tasks/${encodeURIComponent(id)}/rerun`, { method: 'POST' })).json());
  } catch (error) {
    showError(error);
  }
}

/** Replaces the rows with these tasks (newest first). */
export function showTasks(items) {
  tasks.clear();
  for (const task of items) tasks.set(task.id, task);
  $('#tasks tbody').replaceChildren(...items.map(rowOf));
}

/** Applies a live update (or a full record) to the task's row; returns the task as now shown, or null without a row. */
export function updateTask(update) {
  const row = rowElement(update.id);
  if (!row) return null;
  const task = { ...tasks.get(update.id), ...update };
  tasks.set(task.id, task);
  row.replaceWith(rowOf(task));
  return task;
}

/** Highlights the task open in the panel (null for none); `callback` runs when a row is clicked. */
export function selectTask(id) {
  selectedId = id;
  for (const row of document.querySelectorAll('#tasks tr[data-task-id]')) row.classList.toggle('selected', row.dataset.taskId === id);
}

export function onTaskClicked(callback) {
  onSelect = callback;
}

/** "12 s ago" must not stay 12 s: the ages are rewritten every 10 seconds. */
setInterval(() => {
  for (const cell of document.querySelectorAll('#tasks tr[data-task-id] td.created')) {
    const createdAt = tasks.get(cell.parentElement.dataset.taskId)?.createdAt;
    if (createdAt) cell.textContent = timeAgo(createdAt);
  }
}, 10_000);
