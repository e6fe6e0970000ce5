import { Injectable } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { type AsyncTaskFactory, type AsyncTaskLog, type AsyncTaskRecord, BaseAsyncTask } from '@sfc/async-task';

/** Base of the cluster test tasks: the library's bookkeeping plus the record and the node's name. */
abstract class ClusterTask extends BaseAsyncTask {
  constructor(params: string, protected readonly record: AsyncTaskRecord, protected readonly node: string) {
    super(params);
  }
}

/**
 * `work` {ms, failures?, failMs?}: sleeps in 50 ms steps, logging each step, and journals its run in
 * `cluster_task_runs` (start, end, completed) — the task's own record of who ran it when, to prove no
 * overlap. With `failures`, its first that many attempts throw (not completed) after `failMs` (default `ms`).
 */
class WorkTask extends ClusterTask {
  constructor(params: string, record: AsyncTaskRecord, node: string, private readonly db: DataSource) {
    super(params, record, node);
  }

  protected async run(log: AsyncTaskLog, signal: AbortSignal): Promise<void> {
    const params = JSON.parse(this.params) as { ms: number; failures?: number; failMs?: number };
    const { id, attempt } = this.record;
    const failing = attempt <= (params.failures ?? 0);
    const ms = failing ? (params.failMs ?? params.ms) : params.ms;
    await this.db.query('INSERT INTO cluster_task_runs (task_id, attempt, node, started_at) VALUES (?, ?, ?, NOW(3))', [id, attempt, this.node]);
    let completed = 0;
    try {
      this.progress.setTotal(ms);
      for (let done = 0; done < ms; done += 50) {
        log.info(`step ${done} of ${ms} on ${this.node}`);
        await delay(Math.min(50, ms - done), undefined, { signal });
        this.progress.setLoaded(Math.min(ms, done + 50));
      }
      if (failing) throw new Error(`work failed on attempt ${attempt} on ${this.node}`);
      completed = 1;
    } finally {
      await this.db.query('UPDATE cluster_task_runs SET ended_at = NOW(3), completed = ? WHERE task_id = ? AND attempt = ?', [completed, id, attempt]);
    }
  }
}

/** `burn` {ms, chunkMs}: keeps the main thread busy (synchronous loops of chunkMs) for ms in all. */
class BurnTask extends ClusterTask {
  protected async run(log: AsyncTaskLog): Promise<void> {
    const { ms, chunkMs } = JSON.parse(this.params) as { ms: number; chunkMs: number };
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const chunkEnd = Math.min(end, Date.now() + chunkMs);
      let spins = 0;
      while (Date.now() < chunkEnd) spins++;
      log.info(`burned a ${chunkMs} ms chunk (${spins} spins) on ${this.node}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * `crash` {afterMs?}: kills its own node with SIGKILL — a task that keeps killing nodes. With afterMs
 * it first logs and lives that long (its log reaches the live stream, as an OOM-killed task's would).
 */
class CrashTask extends ClusterTask {
  protected async run(log: AsyncTaskLog): Promise<void> {
    const { afterMs = 0 } = JSON.parse(this.params || '{}') as { afterMs?: number };
    log.warn(`crashing node ${this.node} in attempt ${this.record.attempt}`);
    if (afterMs > 0) await delay(afterMs);
    process.kill(process.pid, 'SIGKILL');
    await delay(60_000);
  }
}

export const CLUSTER_NODE_ID = Symbol('CLUSTER_NODE_ID');

@Injectable()
export class ClusterTaskFactories {
  constructor(private readonly db: DataSource) {}

  all(node: string): AsyncTaskFactory[] {
    return [
      { getTaskType: () => 'work', createTask: (params, record) => new WorkTask(params, record, node, this.db) },
      // The same work under more types: on a Redis Cluster, queues work, work.a and work.b sit on three different masters.
      { getTaskType: () => 'work.a', createTask: (params, record) => new WorkTask(params, record, node, this.db) },
      { getTaskType: () => 'work.b', createTask: (params, record) => new WorkTask(params, record, node, this.db) },
      { getTaskType: () => 'burn', createTask: (params, record) => new BurnTask(params, record, node) },
      { getTaskType: () => 'crash', createTask: (params, record) => new CrashTask(params, record, node) },
    ];
  }
}
