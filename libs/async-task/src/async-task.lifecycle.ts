import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from './async-task.constants.js';
import { AsyncTaskExecutor } from './async-task.executor.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { AsyncTaskReceiver } from './async-task.receiver.js';
import { RedisConnections } from './redis-connections.js';
import { TaskQueues } from './task-queues.js';

/**
 * Starts and stops the node's moving parts in the order that loses nothing: workers start after
 * every module is initialised; on shutdown claiming stops first, running tasks are drained or handed
 * over while the DataSource is still open, and queues and connections close last.
 */
@Injectable()
export class AsyncTaskLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly receiver: AsyncTaskReceiver,
    private readonly executor: AsyncTaskExecutor,
    private readonly queues: TaskQueues,
    private readonly redis: RedisConnections,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.worker) return;
    await this.executor.listenForInterrupts();
    this.receiver.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.receiver.stop();
    await this.executor.drain(this.options.shutdownGraceMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues.closeAll();
    await this.redis.closeAll();
  }
}
