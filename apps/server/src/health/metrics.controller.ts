import { Controller, Get, Header } from '@nestjs/common';
import { AsyncTaskManager, AsyncTaskStatus } from '@sfc/async-task';
import { Public } from '../auth/public.decorator.js';
import { ACTIVE_STATUSES, TaskQueries } from '../task-queries.js';
import { PrometheusText } from './prometheus-text.js';

/**
 * `GET /metrics` in Prometheus text format: tasks by status and type and run times (from MySQL, so
 * every node reports the same cluster-wide figures), queue depth per type, retries and timeouts per
 * type and rows deleted by retention (the library's cluster-wide counters), and each node's load.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly manager: AsyncTaskManager,
    private readonly queries: TaskQueries,
  ) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const [counts, durations, nodes, policyCounts, pruned] = await Promise.all([
      this.queries.countByStatusAndType(),
      this.queries.durationsByType(),
      this.manager.listNodes(),
      this.manager.getPolicyCounts(),
      this.manager.getRetentionCounts(),
    ]);
    const depth = new Map<string, number>();
    for (const { status, taskType, count } of counts) {
      if (ACTIVE_STATUSES.includes(status) && status !== AsyncTaskStatus.RUNNING) depth.set(taskType, (depth.get(taskType) ?? 0) + count);
    }
    const text = new PrometheusText()
      .metric('async_tasks', 'gauge', 'Tasks in the database by status and type.',
        counts.map(({ status, taskType, count }) => [{ status: AsyncTaskStatus[status] ?? status, type: taskType }, count]))
      .metric('async_task_queue_depth', 'gauge', 'Tasks waiting to run (WAITING or OFFLINE) per type.',
        [...depth].map(([taskType, count]) => [{ type: taskType }, count]))
      .metric('async_task_retries_total', 'counter', 'Failed attempts sent back for a retry, per type (cluster-wide).',
        policyCounts.map(({ taskType, retries }) => [{ type: taskType }, retries]))
      .metric('async_task_timeouts_total', 'counter', 'Attempts stopped at their timeoutMs, per type (cluster-wide).',
        policyCounts.map(({ taskType, timeouts }) => [{ type: taskType }, timeouts]))
      .metric('async_task_pruned_tasks_total', 'counter', 'Ended tasks deleted by retention (cluster-wide).', [[{}, pruned.tasks]])
      .metric('async_task_pruned_logs_total', 'counter', 'Attempt log rows deleted with them (cluster-wide).', [[{}, pruned.logs]])
      .metric('async_task_prune_batches_total', 'counter', 'Retention transactions (cluster-wide).', [[{}, pruned.batches]])
      .metric('async_task_duration_seconds', 'summary', 'Run time of ended tasks (last attempt), by type and final status.', []);
    for (const { taskType, status, count, sumSeconds } of durations) {
      const labels = { type: taskType, status: AsyncTaskStatus[status] };
      text.sample('async_task_duration_seconds_sum', labels, sumSeconds).sample('async_task_duration_seconds_count', labels, count);
    }
    const byNode = (pick: (node: (typeof nodes)[number]) => number) => nodes.map((node): [Record<string, string>, number] => [{ node: node.nodeId, host: node.host }, pick(node)]);
    return text
      .metric('async_task_node_load', 'gauge', 'CPU budget in use on each live node (one core = 100).', byNode((node) => node.load))
      .metric('async_task_node_max_load', 'gauge', 'CPU budget of each live node.', byNode((node) => node.maxLoad))
      .metric('async_task_node_running_tasks', 'gauge', 'Tasks running on each live node.', byNode((node) => node.runningTasks.length))
      .metric('async_task_node_heartbeat_age_seconds', 'gauge', 'Seconds since each node last reported.', byNode((node) => (Date.now() - node.lastHeartbeat) / 1000))
      .toString();
  }
}
