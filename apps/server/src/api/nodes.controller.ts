import { Controller, Get } from '@nestjs/common';
import { AsyncTaskManager } from '@sfc/async-task';

/** `GET /api/nodes`: the cluster's live nodes with their load; any signed-in caller may look. */
@Controller('api/nodes')
export class NodesController {
  constructor(private readonly manager: AsyncTaskManager) {}

  @Get()
  list() {
    return this.manager.listNodes();
  }
}
