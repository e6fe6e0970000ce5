import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { AsyncTaskExecutor } from '../executor/async-task.executor.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { AsyncTaskReceiver } from '../receiver/async-task.receiver.js';
import { ExecutionSupervisor } from '../executor/execution.supervisor.js';
import { FailoverScanner } from '../failover/failover.scanner.js';
import { NodeHeartbeat } from '../cluster/node-heartbeat.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { StartupChecks } from './startup.checks.js';
import { TaskQueues } from '../queue/task-queues.js';
import { ScheduleService } from '../schedules/schedule.service.js';
import { ScheduleTicker } from '../schedules/schedule.ticker.js';
import { TaskPruner } from '../retention/task.pruner.js';

/**
 * Starts and stops the node's moving parts in the order that loses nothing. Start: the set-up checks
 * (entities, tables, Redis) so a misconfigured app fails before it claims anything, then the heartbeat
 * (scans must see the node before it claims), then interrupts, supervision, receiving and the
 * failover scan, then the declared schedules, the schedule ticker and retention. Shutdown: stop
 * ticking, pruning, scanning and claiming, drain or hand over running tasks while the
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
    private readonly checks: StartupChecks,
    private readonly schedules: ScheduleService,
    private readonly ticker: ScheduleTicker,
    private readonly pruner: TaskPruner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.checks.run();
    await this.heartbeat.start(() => this.executor.workload());
    if (this.options.worker) {
      await this.executor.listenForInterrupts();
      this.supervisor.start();
      this.receiver.start();
    }
    this.scanner.start();
    await this.schedules.upsertDeclared();
    this.ticker.start();
    this.pruner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.ticker.stop();
    await this.pruner.stop();
    await this.scanner.stop();
    await this.receiver.stop();
    this.supervisor.stop();
    await this.executor.drain(this.options.shutdownGraceMs);
    await this.heartbeat.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues.closeAll();
    await this.redis.closeAll();
  }
}
