// The live log of one task: followed until the task ends, or until another task is picked.
import { api, readText } from './api.js';
import { $, showError } from './dom.js';
import { selectTask, taskName } from './task-table.js';

let current = null; // AbortController of the followed log

export async function followLog(id) {
  current?.abort();
  const abort = new AbortController();
  current = abort;
  selectTask(id);
  $('#log-title').textContent = `${taskName(id)} (${id})`;
  const log = $('#log');
  log.textContent = '';
  try {
    const response = await api(`/api/tasks/${encodeURIComponent(id)}/log?follow=1`, { signal: abort.signal });
    await readText(response, (text) => {
      const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.append(text);
      if (atBottom) log.scrollTop = log.scrollHeight;
    });
  } catch (error) {
    if (!abort.signal.aborted) showError(error);
  }
}
