// Which tasks the table shows: filters (status, type, owner for admins), paging, and search by id.
// Live updates change the rows shown; a new task that belongs on the first page reloads it.
import { api } from './api.js';
import { $, el, showError } from './dom.js';
import { showTasks, updateTask } from './task-table.js';
import { statusName } from './format.js';

/** What the table shows now; `found` is the id looked up by search (filters and paging then rest). */
export const view = { status: '', type: '', uid: '', page: 1, size: 20, found: null };
const RELOAD_AFTER_MS = 1000; // many new tasks at once reload the page once
let total = 0;
let reloadTimer;
let onChange = () => {};
let onFound = () => {};
/** Tasks whose live updates did not land on this page; they are not reloaded for again. */
const elsewhere = new Set();

/** `changed` runs when the filters change (counts and charts follow them); `found` opens a searched task. */
export function initTaskList({ admin, changed, found }) {
  onChange = changed;
  onFound = found;
  $('#tasks').classList.toggle('show-owner', admin);
  $('#filter-owner-label').hidden = !admin;
}

export function setFilters(changes) {
  Object.assign(view, changes, { page: 1, found: null });
  $('#search-id').value = '';
  elsewhere.clear();
  onChange();
  void reloadTasks();
}

function listPath() {
  const query = new URLSearchParams({ page: String(view.page), size: String(view.size) });
  if (view.status) query.set('status', view.status);
  if (view.type) query.set('type', view.type);
  if (view.uid) query.set('uid', view.uid);
  return `/api/tasks?${query}`;
}

/** Loads the current page (or the searched task) into the table. */
export async function reloadTasks() {
  clearTimeout(reloadTimer);
  try {
    if (view.found) return await showFound(view.found);
    const page = await (await api(listPath())).json();
    total = page.total;
    const pages = Math.max(1, Math.ceil(total / view.size));
    if (view.page > pages) {
      view.page = pages; // the last page emptied (filters or deletions): show the new last one
      return await reloadTasks();
    }
    showTasks(page.items);
    const filtered = view.status || view.type || view.uid;
    showEmpty(page.items.length === 0, filtered ? 'No tasks match these filters.' : 'No tasks yet: submit one.');
    showPager();
  } catch (error) {
    showError(error);
  }
}

async function showFound(id) {
  try {
    const task = await (await api(`/api/tasks/${encodeURIComponent(id)}`)).json();
    showTasks([task]);
    showEmpty(false);
    onFound(task.id);
  } catch (error) {
    if (error.status !== 404) throw error;
    showTasks([]);
    showEmpty(true, `No task with id "${id}".`);
  }
  $('#page-info').textContent = 'Search result';
  $('#page-newer').disabled = $('#page-older').disabled = true;
}

function showEmpty(empty, text = '') {
  $('#no-tasks').textContent = text;
  $('#no-tasks').hidden = !empty;
}

function showPager() {
  const pages = Math.max(1, Math.ceil(total / view.size));
  const first = (view.page - 1) * view.size + 1;
  const last = Math.min(total, view.page * view.size);
  $('#page-info').textContent = total === 0 ? '' : `Page ${view.page} of ${pages} · ${first}–${last} of ${total} tasks`;
  $('#page-newer').disabled = view.page <= 1;
  $('#page-older').disabled = view.page >= pages;
}

function matches(task) {
  return (!view.status || statusName(task.status) === view.status)
    && (!view.type || task.taskType === view.type)
    && (!view.uid || task.uid === view.uid);
}

function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void reloadTasks(), RELOAD_AFTER_MS);
}

/**
 * A live update: redraws its row (and reloads the page when the task left the status shown), or
 * reloads the first page when it brings a task that belongs there.
 */
export function applyLiveUpdate(update) {
  const shown = updateTask(update);
  if (shown) {
    if (!view.found && !matches(shown)) reloadSoon();
    return;
  }
  if (view.found || view.page !== 1 || elsewhere.has(update.id) || !matches(update)) return;
  elsewhere.add(update.id); // if the reload shows it, its row takes later updates; if not, it is older than this page
  reloadSoon();
}

/** Offers the task types and (for an admin) owners the stats know of, keeping the current choice. */
export function offerFilterOptions({ taskTypes, owners }) {
  fillSelect($('#filter-type'), 'all types', taskTypes, view.type);
  if (owners) fillSelect($('#filter-owner'), 'all owners', owners, view.uid);
}

function fillSelect(select, allLabel, values, chosen) {
  const options = [...new Set([...values, ...(chosen ? [chosen] : [])])];
  if (select.options.length === options.length + 1 && options.every((value, i) => select.options[i + 1].value === value)) return;
  select.replaceChildren(el('option', { value: '' }, allLabel), ...options.map((value) => el('option', { value }, value)));
  select.value = chosen;
}

$('#filter-type').addEventListener('change', (event) => setFilters({ type: event.target.value }));
$('#filter-owner').addEventListener('change', (event) => setFilters({ uid: event.target.value }));
$('#page-newer').addEventListener('click', () => {
  view.page = Math.max(1, view.page - 1);
  void reloadTasks();
});
$('#page-older').addEventListener('click', () => {
  view.page += 1;
  void reloadTasks();
});
function search() {
  view.found = $('#search-id').value.trim() || null;
  if (!view.found) view.page = 1;
  void reloadTasks();
}
$('#filters').addEventListener('submit', (event) => {
  event.preventDefault();
  search();
});
// The box's clear button empties it without submitting: back to the list.
$('#search-id').addEventListener('search', () => view.found && !$('#search-id').value.trim() && search());

