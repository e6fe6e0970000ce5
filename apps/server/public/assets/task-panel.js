// The task panel: one task's params, timings, attempts (read from its log's headers), failure
// reason and live log. It follows the log until the task ends or another task is opened.
import { api, readText } from './api.js';
import { $, definitions, el, showError } from './dom.js';
import { AttemptsFromLog } from './attempts.js';
import { formatDuration, formatTime, statusName } from './format.js';
import { selectTask } from './task-table.js';

const FINAL = new Set([2, 3, 4]);
let current = null; // { id, abort: AbortController, record, attempts: AttemptsFromLog }
let recordTimer;

/** Opens the panel on a task; `reveal` scrolls it into view (a click in the table, a search). */
export async function openTask(id, { reveal = false } = {}) {
  current?.abort.abort();
  const opened = { id, abort: new AbortController(), record: null, attempts: new AttemptsFromLog() };
  current = opened;
  selectTask(id);
  $('#task-panel').hidden = false;
  $('#log').textContent = '';
  $('#log-title').textContent = '';
  $('#attempts tbody').replaceChildren();
  await loadRecord(opened);
  if (reveal) $('#task-panel').scrollIntoView({ block: 'start', behavior: 'instant' });
  await followLog(opened);
  if (!opened.abort.signal.aborted) await loadRecord(opened); // the log ended with the task: show its final state
}

export function closeTask() {
  current?.abort.abort();
  current = null;
  selectTask(null);
  $('#task-panel').hidden = true;
}

/** A live update of some task: the open one re-reads its record when its status changed. */
export function panelLiveUpdate(update) {
  if (!current || update.id !== current.id || update.status === undefined || update.status === current.record?.status) return;
  const opened = current;
  clearTimeout(recordTimer);
  recordTimer = setTimeout(() => void loadRecord(opened), 300);
}

async function loadRecord(opened) {
  try {
    const record = await (await api(`/api/tasks/${encodeURIComponent(opened.id)}`, { signal: opened.abort.signal })).json();
    if (current !== opened) return;
    opened.record = record;
    showRecord(record);
    showAttempts(opened);
  } catch (error) {
    if (!opened.abort.signal.aborted) showError(error);
  }
}

function showRecord(task) {
  const status = statusName(task.status);
  $('#panel-title').textContent = task.name;
  $('#panel-status').replaceChildren(el('span', { class: `status status-${status}` }, status));
  $('#panel-failure').hidden = !task.failedReason;
  $('#panel-failure span').textContent = task.failedReason ?? '';
  $('#panel-facts').replaceChildren(...definitions([
    ['Id', el('code', {}, task.id)],
    ['Type', task.taskType],
    ['Owner', task.uid],
    ['Node', task.executor],
    ['Priority', String(task.priority)],
    ['CPU budget', String(task.cpuOverhead)],
    ['Attempts', String(task.attempt)],
    ['Lost with a node', String(task.offlineCount)],
  ]));
  const time = (value) => (value ? new Date(value).getTime() : undefined);
  const [created, started, finished, now] = [time(task.createdAt), time(task.startedAt), time(task.finishedAt), Date.now()];
  const waitedUntil = started ?? finished ?? now;
  const ran = started === undefined ? '' : formatDuration((finished ?? now) - started) + (finished ? '' : ' so far');
  // The record keeps the start of the latest attempt only; each attempt's start is in the table below.
  const retried = task.attempt > 1;
  $('#panel-timings').replaceChildren(...definitions([
    ['Created', formatTime(task.createdAt)],
    ...(task.runAfter ? [['Not before', formatTime(task.runAfter)]] : []),
    [retried ? 'Last attempt started' : 'Started', formatTime(task.startedAt) || 'not yet'],
    ['Finished', formatTime(task.finishedAt) || (FINAL.has(task.status) ? '' : 'not yet')],
    [retried ? 'Created → last start' : 'Waited', formatDuration(waitedUntil - created) + (started || finished ? '' : ' so far')],
    [retried ? 'Last attempt ran' : 'Ran', ran || '–'],
  ]));
  $('#panel-params').textContent = prettyParams(task.params);
}

function prettyParams(params) {
  try {
    return JSON.stringify(JSON.parse(params), null, 2);
  } catch {
    return params;
  }
}

/**
 * Each attempt's row: the latest has the task's status; an earlier one ended in an error, or else
 * with its node (a lost node writes no last word). Its error, or else its last entry, is quoted.
 */
function showAttempts({ attempts, record }) {
  const rows = attempts.attempts.map((attempt, i) => {
    const latest = i === attempts.attempts.length - 1;
    const outcome = latest && record ? statusName(record.status) : attempt.firstError ? 'FAILED' : 'node lost';
    const quote = attempt.firstError || attempt.lastEntry;
    return el('tr', { 'data-attempt': String(attempt.number) },
      el('td', {}, String(attempt.number)),
      el('td', { class: 'node' }, attempt.node || '–'),
      el('td', {}, attempt.started || '–', ...(attempt.reason ? [el('div', { class: 'muted reason' }, attempt.reason)] : [])),
      el('td', {}, String(attempt.entries)),
      el('td', {}, el('span', { class: `status status-${outcome === 'node lost' ? 'OFFLINE' : outcome}` }, outcome)),
      el('td', { class: 'last-line', title: quote }, quote));
  });
  $('#attempts tbody').replaceChildren(...(rows.length > 0 ? rows : [el('tr', {}, el('td', { colspan: '6', class: 'muted' }, 'No attempt has written to the log yet.'))]));
}

async function followLog(opened) {
  $('#log-title').textContent = `(${opened.id})`;
  const log = $('#log');
  try {
    const response = await api(`/api/tasks/${encodeURIComponent(opened.id)}/log?follow=1`, { signal: opened.abort.signal });
    await readText(response, (text) => {
      if (current !== opened) return;
      const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.append(text);
      if (atBottom) log.scrollTop = log.scrollHeight;
      if (opened.attempts.feed(text)) showAttempts(opened);
    });
  } catch (error) {
    if (!opened.abort.signal.aborted) showError(error);
  }
}

$('#panel-close').addEventListener('click', closeTask);
