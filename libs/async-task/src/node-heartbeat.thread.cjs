// Heartbeat thread of one node. It runs beside the main thread so that a task that keeps the main
// event loop busy (synchronous CPU work) does not make a healthy node look dead and get failed over.
// It dies with the process, so a killed node stops beating at once.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { Redis } = require(workerData.ioredisPath);

const { redis: connection, nodeKey, nodeIdsKey, nodeId, intervalMs, ttlMs } = workerData;
const options = { maxRetriesPerRequest: 1, connectionName: `${nodeKey}:heartbeat` };
const redis = typeof connection === 'string' ? new Redis(connection, options) : new Redis({ ...connection, ...options });
redis.on('error', () => {}); // reported per beat below
let state = workerData.state;
let stopped = false;

async function beat() {
  if (stopped) return;
  try {
    const payload = JSON.stringify({ ...state, lastHeartbeat: Date.now() });
    await redis.multi().set(nodeKey, payload, 'PX', ttlMs).sadd(nodeIdsKey, nodeId).exec();
    parentPort.postMessage({ type: 'beat' });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: error.message });
  }
}

const timer = setInterval(beat, intervalMs);
void beat();

parentPort.on('message', async (message) => {
  if (message.type === 'state') {
    state = message.state;
  } else if (message.type === 'stop') {
    stopped = true;
    clearInterval(timer);
    try {
      await redis.multi().del(nodeKey).srem(nodeIdsKey, nodeId).exec();
    } catch {
      // The key expires by itself.
    }
    redis.disconnect();
    parentPort.postMessage({ type: 'stopped' });
  }
});
