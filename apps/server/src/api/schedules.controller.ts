import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { AsyncTaskManager, type AsyncTaskScheduleInfo, ScheduleNotFoundError } from '@sfc/async-task';
import { Caller } from '../auth/caller.decorator.js';
import type { Caller as CallerIdentity } from '../auth/token-table.js';
import { SERVER_CONFIG, type ServerConfig } from '../server.config.js';
import { OwnedTasks } from './owned-tasks.js';
import { readScheduleBody } from './schedule.body.js';

/**
 * Recurring schedules. A user sees and changes only their own (someone else's answers 404, as an
 * unknown id); an admin reaches all. The tasks a schedule submits are owned by its owner.
 */
@Controller('api/schedules')
export class SchedulesController {
  constructor(
    private readonly manager: AsyncTaskManager,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  @Get()
  list(@Caller() caller: CallerIdentity) {
    return this.manager.listSchedules(caller.admin ? {} : { uid: caller.uid });
  }

  @Get(':id')
  get(@Caller() caller: CallerIdentity, @Param('id') id: string) {
    return this.owned(caller, id);
  }

  /** Creates or replaces the schedule `id`; a replaced one keeps its owner (an admin may edit anyone's). */
  @Put(':id')
  @HttpCode(200)
  async put(@Caller() caller: CallerIdentity, @Param('id') id: string, @Body() body: unknown) {
    // Someone else's schedule answers 404 before the body is looked at, as for any other route.
    const existing = await this.manager.getSchedule(id).catch((error: unknown) => {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    });
    if (existing && !OwnedTasks.sees(caller, existing.uid)) throw new ScheduleNotFoundError(id);
    const input = readScheduleBody(id, body, this.config.dataDir);
    return this.manager.upsertSchedule({ ...input, uid: existing?.uid ?? caller.uid });
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: CallerIdentity, @Param('id') id: string): Promise<void> {
    await this.owned(caller, id);
    await this.manager.removeSchedule(id);
  }

  private async owned(caller: CallerIdentity, id: string): Promise<AsyncTaskScheduleInfo> {
    const schedule = await this.manager.getSchedule(id);
    if (!OwnedTasks.sees(caller, schedule.uid)) throw new ScheduleNotFoundError(id);
    return schedule;
  }
}
