import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { AsyncTaskError, AsyncTaskManager, type BulkSubmitAnswer, type SubmitAsyncTaskInput } from '@sfc/async-task';
import { Caller } from '../auth/caller.decorator.js';
import type { Caller as CallerIdentity } from '../auth/token-table.js';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';
import { userFolder } from '../tasks/user-folder.js';
import { readListQuery } from './list-tasks.query.js';
import { OwnedTasks } from './owned-tasks.js';
import { readBulkBody } from './submit-bulk.body.js';
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
    return this.manager.submitAsyncTask(this.readTask(caller, body));
  }

  /**
   * Many tasks in one request, all owned by the token's user: `{"tasks": [...]}` → 200 with one answer
   * per task, in order: `{index, ok: true, task}` or `{index, ok: false, statusCode, error, message}`.
   */
  @Post('bulk')
  @HttpCode(200)
  async submitBulk(@Caller() caller: CallerIdentity, @Body() body: unknown) {
    const items = readBulkBody(body, (task) => this.readTask(caller, task));
    const accepted = items.flatMap((item, index) => ('input' in item ? [{ index, input: item.input }] : []));
    const answers = accepted.length > 0 ? await this.manager.submitAsyncTasks(accepted.map((item) => item.input)) : [];
    const byIndex = new Map<number, BulkSubmitAnswer>(accepted.map((item, position) => [item.index, answers[position]]));
    const results = items.map((item, index) => {
      if ('refused' in item) return { index, ok: false, statusCode: 400, error: 'BadRequest', message: item.refused };
      const answer = byIndex.get(index)!;
      if (answer.ok) return { index, ok: true, task: answer.record };
      const statusCode = answer.error instanceof AsyncTaskError ? answer.error.getStatus() : 500;
      return { index, ok: false, statusCode, error: answer.error.name, message: answer.error.message };
    });
    return { submitted: results.filter((result) => result.ok).length, refused: results.filter((result) => !result.ok).length, results };
  }

  /** One task of a request, checked as the caller may send it, and owned by the caller: single and bulk alike. */
  private readTask(caller: CallerIdentity, body: unknown): SubmitAsyncTaskInput {
    return { ...readSubmitBody(body, userFolder(this.config.dataDir, caller.uid)), uid: caller.uid };
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
