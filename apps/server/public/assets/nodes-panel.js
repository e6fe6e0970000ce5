// The cluster's nodes and their load, refreshed every 2 seconds while signed in.
import { api } from './api.js';
import { $, el, progressBar, showError } from './dom.js';

export async function watchNodes(signal) {
  while (!signal.aborted) {
    try {
      const nodes = await (await api('/api/nodes', { signal })).json();
      $('#nodes tbody').replaceChildren(
        ...nodes.map((node) =>
          el('tr', { 'data-node-id': node.nodeId, title: `${node.host} pid ${node.pid}; runs ${node.taskTypes.join(', ') || 'nothing (API only)'}` },
            el('td', {}, node.nodeId),
            el('td', {}, ...progressBar(Math.min(100, Math.round((node.load / node.maxLoad) * 100)), `${node.load}/${node.maxLoad}`)),
            el('td', {}, String(node.runningTasks.length)))),
      );
    } catch (error) {
      if (signal.aborted) return;
      showError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
