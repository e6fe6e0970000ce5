import { Body, Controller, Get, Param, Post, StreamableFile } from '@nestjs/common';
import { AsyncTaskManager } from '@sfc/async-task';

@Controller('greetings')
export class GreetingsController {
  constructor(private readonly tasks: AsyncTaskManager) {}

  @Post()
  submit(@Body() body: { names: string[] }) {
    return this.tasks.submitAsyncTask({ name: 'greet everyone', taskType: 'greet', params: { names: body.names } });
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.tasks.getTask(id);
  }

  @Get(':id/log')
  async log(@Param('id') id: string) {
    return new StreamableFile(await this.tasks.getTaskLog(id), { type: 'text/plain; charset=utf-8' });
  }
}
