import { Injectable } from '@nestjs/common';
import { type AsyncTaskLog, type AsyncTaskRecord, AsyncTaskFactory, BaseAsyncTask } from '@sfc/async-task';
import { GreetingService } from './greeting.service.js';

class GreetTask extends BaseAsyncTask {
  constructor(
    params: string,
    private readonly greetings: GreetingService,
  ) {
    super(params);
  }

  protected async run(log: AsyncTaskLog): Promise<void> {
    const { names } = JSON.parse(this.params) as { names: string[] };
    this.progress.setTotal(names.length);
    for (const name of names) {
      log.info(this.greetings.greet(name));
      this.progress.appendLoaded(1);
    }
  }
}

/** Provided in GreetingsModule and listed in AsyncTaskModule's `factories` too: it counts once. */
@Injectable()
@AsyncTaskFactory('greet')
export class GreetFactory implements AsyncTaskFactory {
  constructor(private readonly greetings: GreetingService) {}

  createTask(params: string, _record: AsyncTaskRecord) {
    return new GreetTask(params, this.greetings);
  }

  getTaskType() {
    return 'greet';
  }
}
