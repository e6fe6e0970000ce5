import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AsyncTaskManager } from '@sfc/async-task';
import { Caller } from '../auth/caller.decorator.js';
import type { Caller as CallerIdentity } from '../auth/token-table.js';
import { OpenStreams } from './open-streams.js';
import { OwnedTasks } from './owned-tasks.js';

/**
 * `GET /api/tasks/:id/log` as text/plain, streamed from the library (never read whole):
 * `?history=0` for the latest attempt only, `?follow=1` to keep the response open until the task ends.
 */
@Controller('api/tasks')
export class TaskLogController {
  constructor(
    private readonly manager: AsyncTaskManager,
    private readonly owned: OwnedTasks,
    private readonly streams: OpenStreams,
  ) {}

  @Get(':id/log')
  async log(
    @Caller() caller: CallerIdentity,
    @Param('id') id: string,
    @Query('history') history: string | undefined,
    @Query('follow') follow: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await this.owned.get(caller, id);
    const following = isOn(follow, false);
    const log = await this.manager.getTaskLog(id, isOn(history, true), { follow: following });
    response.status(200).type('text/plain; charset=utf-8');
    // Followers must see each line as it comes: no proxy buffering, no waiting for a full chunk.
    if (following) response.setHeader('X-Accel-Buffering', 'no').setHeader('Cache-Control', 'no-cache').flushHeaders();
    this.streams.add(response, () => log.destroy());
    log.on('error', () => response.end());
    log.pipe(response);
  }
}

function isOn(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return !['0', 'false', 'no'].includes(String(value).toLowerCase());
}
