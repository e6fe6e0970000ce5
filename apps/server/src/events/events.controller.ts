import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { OpenStreams } from '../api/open-streams.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Caller as CallerIdentity } from '../auth/token-table.js';
import { TaskEventsHub } from './task-events.hub.js';

/**
 * `GET /api/events`: Server-Sent Events with the caller's tasks as they change (`event: task`,
 * data = TaskUpdate JSON). The current state of active tasks comes first.
 */
@Controller('api/events')
export class EventsController {
  constructor(
    private readonly hub: TaskEventsHub,
    private readonly streams: OpenStreams,
  ) {}

  @Get()
  events(@Caller() caller: CallerIdentity, @Res() response: Response): void {
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    response.flushHeaders();
    response.write('retry: 3000\n\n');
    const unsubscribe = this.hub.subscribe({
      caller,
      send: (update) => response.write(`event: task\ndata: ${JSON.stringify(update)}\n\n`),
      keepAlive: () => response.write(': keep-alive\n\n'),
    });
    this.streams.add(response, unsubscribe);
  }
}
