import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { AsyncTaskManager } from '@sfc/async-task';
import { Caller } from '../auth/caller.decorator.js';
import type { Caller as CallerIdentity } from '../auth/token-table.js';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';
import { userFolder } from '../tasks/user-folder.js';
import { readListQuery } from './list-tasks.query.js';
import { OwnedTasks } from './owned-tasks.js';
import { readSubmitBody } from './submit-task.body.js';

/** The task API. Every route acts for the token's owner; others' tasks are 404 (see OwnedTasks). */
@Controller('api/tasks')
export class TasksController {
  constructor(
    private readonly manager: AsyncTaskManager,
    private readonly owned: OwnedTasks,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  @Post()
  submit(@Caller() caller: CallerIdentity, @Body() body: unknown) {
    return this.manager.submitAsyncTask({ ...readSubmitBody(body, userFolder(this.config.dataDir, caller.uid)), uid: caller.uid });
  }

  @Get()
  list(@Caller() caller: CallerIdentity, @Query() query: Record<string, unknown>) {
    return this.manager.listTasks(readListQuery(caller, query));
  }

  @Get(':id')
  async get(@Caller() caller: CallerIdentity, @Param('id') id: string) {
    const record = await this.owned.get(caller, id);
    return { ...record, progress: await this.manager.getProgress(id) };
  }

  @Get(':id/progress')
  async progress(@Caller() caller: CallerIdentity, @Param('id') id: string) {
    await this.owned.get(caller, id);
    return { taskId: id, progress: await this.manager.getProgress(id) };
  }

  /** Runs an ended task again under the same id (owner or admin; 409 while it has not ended). */
  @Post(':id/rerun')
  @HttpCode(200)
  async rerun(@Caller() caller: CallerIdentity, @Param('id') id: string) {
    await this.owned.get(caller, id);
    return this.manager.rerun(id);
  }

  @Post(':id/interrupt')
  @HttpCode(200)
  async interrupt(@Caller() caller: CallerIdentity, @Param('id') id: string) {
    await this.owned.get(caller, id);
    return this.manager.interrupt(id);
  }
}
