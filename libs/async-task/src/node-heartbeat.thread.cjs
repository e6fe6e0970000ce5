// Heartbeat thread of one node. It runs beside the main thread so that a task that keeps the main
// event loop busy (synchronous CPU work) does not make a healthy node look dead and get failed over.
// It dies with the process, so a killed node stops beating at once.
'use strict';
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const { Redis, Cluster } = require(workerData.ioredisPath);

const { connection, functionPort, signal, nodeKey, nodeIdsKey, nodeId, intervalMs, ttlMs } = workerData;

// Functions of the `redis` option stay on the main thread (see redis/thread-connection.ts): each
// arrives as a marker, called there and waited for here. A main thread busier than the node timeout
// leaves the call unanswered: the option then counts as unset for that call.
let calls = 0;
function callOnMainThread(marker) {
  return (...args) => {
    const seq = ++calls;
    Atomics.store(signal, 0, 0);
    functionPort.postMessage({ id: marker.asyncTaskFunction, seq, args: args.filter((arg) => typeof arg !== 'function') });
    const deadline = Date.now() + ttlMs;
    for (;;) {
      // A late answer to an earlier call that timed out is skipped.
      let reply;
      while ((reply = receiveMessageOnPort(functionPort)) && reply.message.seq !== seq);
      if (reply) {
        if (reply.message.error !== undefined) throw new Error(`${marker.path}: ${reply.message.error}`);
        return reply.message.value;
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      Atomics.wait(signal, 0, 0, left);
      Atomics.store(signal, 0, 0);
    }
  };
}

function restore(value) {
  if (Array.isArray(value)) return value.map(restore);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    if (typeof value.asyncTaskFunction === 'number') return callOnMainThread(value);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, restore(item)]));
  }
  return value;
}

function open() {
  const ours = { maxRetriesPerRequest: 1, connectionName: `${nodeKey}:heartbeat` };
  if (connection.kind === 'url') return new Redis(connection.url, ours);
  const options = restore(connection.options);
  if (connection.kind === 'cluster') {
    return new Cluster(connection.nodes, { ...options, redisOptions: { ...options.redisOptions, ...ours } });
  }
  return new Redis({ ...options, ...ours });
}

const redis = open();
redis.on('error', () => {}); // reported per beat below
let state = workerData.state;
let stopped = false;

async function beat() {
  if (stopped) return;
  try {
    const payload = JSON.stringify({ ...state, lastHeartbeat: Date.now() });
    // Both keys share the registry's hash tag: one slot, so one MULTI on a Redis Cluster too.
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
