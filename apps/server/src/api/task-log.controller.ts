import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AsyncTaskManager } from '@sfc/async-task';
import { Caller } from '../auth/caller.decorator.js';
import type { Caller as CallerIdentity } from '../auth/token-table.js';
import { FollowQuota } from './follow-quota.js';
import { OpenStreams } from './open-streams.js';
import { OwnedTasks } from './owned-tasks.js';

/**
 * `GET /api/tasks/:id/log` as text/plain, streamed from the library (never read whole):
 * `?history=0` for the latest attempt only, `?follow=1` to keep the response open until the task ends
 * (at most FOLLOWS_PER_USER at once per user and node; more answer 429).
 */
@Controller('api/tasks')
export class TaskLogController {
  constructor(
    private readonly manager: AsyncTaskManager,
    private readonly owned: OwnedTasks,
    private readonly streams: OpenStreams,
    private readonly quota: FollowQuota,
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
    const release = following ? this.quota.take(caller.uid) : () => {};
    let log;
    try {
      log = await this.manager.getTaskLog(id, isOn(history, true), { follow: following });
    } catch (error) {
      release();
      throw error;
    }
    response.status(200).type('text/plain; charset=utf-8');
    // Followers must see each line as it comes: no proxy buffering, no waiting for a full chunk.
    if (following) response.setHeader('X-Accel-Buffering', 'no').setHeader('Cache-Control', 'no-cache').flushHeaders();
    this.streams.add(response, () => {
      release();
      log.destroy();
    });
    log.on('error', () => response.end());
    log.pipe(response);
  }
}

function isOn(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return !['0', 'false', 'no'].includes(String(value).toLowerCase());
}
