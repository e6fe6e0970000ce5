import { Controller, Get, Query } from '@nestjs/common';
import { readListQuery } from '../api/list-tasks.query.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Caller as CallerIdentity } from '../auth/token-table.js';
import { NodeLoadHistory, type NodeLoadSample } from './node-load.history.js';
import { TaskStatsQueries } from './task-stats.queries.js';

/** What `GET /api/stats` answers (documented in public/openapi.json). */
export interface DashboardStats {
  /** Tasks per status name, in scope. */
  counts: Record<string, number>;
  total: number;
  /** Task types of the owner in scope, for the type filter. */
  taskTypes: string[];
  /** Owners with tasks, newest first: only for an admin (the owner filter). */
  owners?: string[];
  /** The last 60 minutes, oldest first; `at` = end of the minute (epoch ms). */
  minutes: Array<{ at: number; succeeded: number; failed: number; waiting: number }>;
  /** The cluster's worker nodes' load over the last hour, oldest first. */
  nodeLoad: readonly NodeLoadSample[];
}

/**
 * `GET /api/stats?type=sleep` (and `&uid=alice` for an admin): the dashboard's counts and charts.
 * A user's figures always cover only their own tasks; an admin's cover everyone's unless narrowed.
 * Node load is the cluster's, as in /api/nodes.
 */
@Controller('api/stats')
export class StatsController {
  constructor(
    private readonly queries: TaskStatsQueries,
    private readonly nodeLoad: NodeLoadHistory,
  ) {}

  @Get()
  async stats(@Caller() caller: CallerIdentity, @Query() query: Record<string, unknown>): Promise<DashboardStats> {
    const { uid, taskType } = readListQuery(caller, { uid: query.uid, type: query.type });
    const scope = { uid, taskType };
    const now = Date.now();
    const [counts, taskTypes, owners, minutes] = await Promise.all([
      this.queries.countByStatus(scope),
      this.queries.taskTypes(uid),
      caller.admin ? this.queries.owners() : undefined,
      this.queries.lastHour(scope),
    ]);
    return {
      counts,
      total: Object.values(counts).reduce((sum, count) => sum + count, 0),
      taskTypes,
      ...(owners ? { owners } : {}),
      minutes: minutes.reverse().map(({ minutesAgo, ...figures }) => ({ at: now - minutesAgo * 60_000, ...figures })),
      nodeLoad: this.nodeLoad.history(),
    };
  }
}
