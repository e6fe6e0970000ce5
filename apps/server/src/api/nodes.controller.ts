import { Controller, Get } from '@nestjs/common';
import { AsyncTaskManager, type AsyncTaskNodeInfo } from '@sfc/async-task';
import { Caller } from '../auth/caller.decorator.js';
import type { Caller as CallerIdentity } from '../auth/token-table.js';
import { withinDeadline } from '../common/within-deadline.js';
import { TaskQueries } from '../task-queries.js';

/**
 * `GET /api/nodes`: the cluster's live nodes with their load; any signed-in caller may look, but a
 * user sees only their own tasks among each node's running ones (ids of others' tasks are theirs).
 * Answers 503 rather than hanging while Redis is away.
 */
@Controller('api/nodes')
export class NodesController {
  constructor(
    private readonly manager: AsyncTaskManager,
    private readonly queries: TaskQueries,
  ) {}

  @Get()
  async list(@Caller() caller: CallerIdentity): Promise<AsyncTaskNodeInfo[]> {
    const nodes = await withinDeadline('Redis', this.manager.listNodes());
    if (caller.admin) return nodes;
    const own = await withinDeadline('MySQL', this.queries.ownedAmong(nodes.flatMap((node) => node.runningTasks), caller.uid));
    return nodes.map((node) => ({ ...node, runningTasks: node.runningTasks.filter((id) => own.has(id)) }));
  }
}
