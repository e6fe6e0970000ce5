import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ASYNC_TASK_RESOLVED_OPTIONS } from './async-task.constants.js';
import { AsyncTaskExecutor } from './executor/async-task.executor.js';
import { AsyncTaskLifecycle } from './lifecycle/async-task.lifecycle.js';
import { AsyncTaskManager } from './manager/async-task.manager.js';
import { ASYNC_TASK_MODULE_OPTIONS, AsyncTaskConfigurableModule } from './config/async-task.module-definition.js';
import { resolveOptions } from './config/async-task.options.js';
import { AsyncTaskReceiver } from './receiver/async-task.receiver.js';
import { ClusterEvents } from './cluster/cluster-events.js';
import { TaskExits } from './cluster/task-exits.js';
import { TaskInterrupts } from './cluster/task-interrupts.js';
import { ExecutionSupervisor } from './executor/execution.supervisor.js';
import { FailoverLock } from './failover/failover.lock.js';
import { QueueReconciler } from './failover/queue.reconciler.js';
import { FailoverScanner } from './failover/failover.scanner.js';
import { LostAttemptRecovery } from './failover/lost-attempt.recovery.js';
import { NodeHeartbeat } from './cluster/node-heartbeat.js';
import { NodeRegistry } from './cluster/node-registry.js';
import { ASYNC_TASK_ENTITIES } from './entities/index.js';
import { FactoryExplorer } from './factories/factory.explorer.js';
import { FactoryRegistry } from './factories/factory-registry.js';
import type { AsyncTaskModuleOptions } from './interfaces/async-task-module-options.interface.js';
import { ProgressSampler } from './progress/progress.sampler.js';
import { ProgressStore } from './progress/progress.store.js';
import { RedisConnections } from './redis/redis-connections.js';
import { LiveLogArchiver } from './task-log/live-log.archiver.js';
import { LiveLogWriter } from './task-log/live-log.writer.js';
import { TaskLogReader } from './task-log/task-log.reader.js';
import { TaskLogStore } from './task-log/task-log.store.js';
import { TaskAttemptRunner } from './executor/task-attempt.runner.js';
import { AttemptEndPolicy } from './policies/attempt-end.policy.js';
import { PolicyCounters } from './policies/policy-counters.js';
import { TaskHandover } from './failover/task-handover.js';
import { TaskQueues } from './queue/task-queues.js';
import { TaskRecordStore } from './persistence/task-record.store.js';
import { TaskRecordBatchStore } from './persistence/task-record.batch-store.js';
import { TaskLifecycleWrites } from './persistence/task-lifecycle.writes.js';
import { TaskSubmissions } from './manager/task-submissions.js';
import { StartupChecks } from './lifecycle/startup.checks.js';
import { UnrunnableTypeWarnings } from './manager/unrunnable-type.warnings.js';
import { ScheduleService } from './schedules/schedule.service.js';
import { ScheduleStore } from './schedules/schedule.store.js';
import { ScheduleTicker } from './schedules/schedule.ticker.js';
import { PruneCounters } from './retention/prune-counters.js';
import { TaskPruner } from './retention/task.pruner.js';

/**
 * Everything one node runs, configured once by `AsyncTaskModule.forRoot()`/`forRootAsync()`. Global,
 * as TypeORM's and BullMQ's root modules are, so `AsyncTaskManager` can be injected in any module.
 */
@Global()
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature(ASYNC_TASK_ENTITIES)],
  providers: [
    {
      provide: ASYNC_TASK_RESOLVED_OPTIONS,
      inject: [ASYNC_TASK_MODULE_OPTIONS],
      useFactory: (options: AsyncTaskModuleOptions) => resolveOptions(options),
    },
    RedisConnections,
    ClusterEvents,
    TaskInterrupts,
    TaskExits,
    TaskRecordStore,
    TaskRecordBatchStore,
    TaskLifecycleWrites,
    TaskSubmissions,
    TaskLogStore,
    LiveLogWriter,
    LiveLogArchiver,
    TaskLogReader,
    ProgressStore,
    ProgressSampler,
    TaskQueues,
    FactoryRegistry,
    FactoryExplorer,
    TaskHandover,
    TaskAttemptRunner,
    AttemptEndPolicy,
    PolicyCounters,
    AsyncTaskExecutor,
    AsyncTaskReceiver,
    AsyncTaskManager,
    NodeHeartbeat,
    NodeRegistry,
    ExecutionSupervisor,
    FailoverLock,
    QueueReconciler,
    FailoverScanner,
    LostAttemptRecovery,
    StartupChecks,
    UnrunnableTypeWarnings,
    ScheduleStore,
    ScheduleService,
    ScheduleTicker,
    PruneCounters,
    TaskPruner,
    AsyncTaskLifecycle,
  ],
  exports: [AsyncTaskManager],
})
export class AsyncTaskCoreModule extends AsyncTaskConfigurableModule {}
