import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { AsyncTaskManager, type SubmitAsyncTaskInput } from '../../../libs/async-task/src/index.js';

/** Minimal task API: submit, list, get, interrupt. */
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly manager: AsyncTaskManager) {}

  @Post()
  submit(@Body() body: SubmitAsyncTaskInput) {
    return this.manager.submitAsyncTask(body);
  }

  @Get()
  list(@Query('page') page = '1', @Query('size') size = '20') {
    return this.manager.listTasks({ page: Number(page), size: Number(size) });
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.manager.getTask(id);
  }

  @Post(':id/interrupt')
  interrupt(@Param('id') id: string) {
    return this.manager.interrupt(id);
  }
}
