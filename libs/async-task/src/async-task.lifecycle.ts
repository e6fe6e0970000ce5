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
import { ExecutionSupervisor } from './execution.supervisor.js';
import { FailoverScanner } from './failover.scanner.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import { RedisConnections } from './redis-connections.js';
import { LogFollowReader } from './task-log/log-follow.reader.js';
import { TaskQueues } from './task-queues.js';

/**
 * Starts and stops the node's moving parts in the order that loses nothing. Start: heartbeat first
 * (scans must see the node before it claims), then interrupts, supervision, receiving and the
 * failover scan. Shutdown: stop scanning and claiming, drain or hand over running tasks while the
 * DataSource is still open, deregister; queues and connections close last.
 */
@Injectable()
export class AsyncTaskLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
    private readonly heartbeat: NodeHeartbeat,
    private readonly receiver: AsyncTaskReceiver,
    private readonly executor: AsyncTaskExecutor,
    private readonly supervisor: ExecutionSupervisor,
    private readonly scanner: FailoverScanner,
    private readonly queues: TaskQueues,
    private readonly redis: RedisConnections,
    private readonly followReader: LogFollowReader,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.heartbeat.start();
    if (this.options.worker) {
      await this.executor.listenForInterrupts();
      this.supervisor.start();
      this.receiver.start();
    }
    this.scanner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scanner.stop();
    await this.receiver.stop();
    this.supervisor.stop();
    await this.executor.drain(this.options.shutdownGraceMs);
    await this.heartbeat.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    // Its blocking read would hold QUIT back for seconds: dropped first.
    this.followReader.close();
    await this.queues.closeAll();
    await this.redis.closeAll();
  }
}
