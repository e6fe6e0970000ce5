import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ASYNC_TASK_RESOLVED_OPTIONS } from './async-task.constants.js';
import { AsyncTaskExecutor } from './async-task.executor.js';
import { AsyncTaskLifecycle } from './async-task.lifecycle.js';
import { AsyncTaskManager } from './async-task.manager.js';
import { ASYNC_TASK_MODULE_OPTIONS, AsyncTaskConfigurableModule } from './async-task.module-definition.js';
import { resolveOptions } from './async-task.options.js';
import { AsyncTaskReceiver } from './async-task.receiver.js';
import { ClusterEvents } from './cluster-events.js';
import { ExecutionSupervisor } from './execution.supervisor.js';
import { FailoverLock } from './failover.lock.js';
import { QueueReconciler } from './failover.reconciler.js';
import { FailoverScanner } from './failover.scanner.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import { NodeRegistry } from './node-registry.js';
import { ASYNC_TASK_ENTITIES } from './entities/index.js';
import { FactoryExplorer } from './factory.explorer.js';
import { FactoryRegistry } from './factory-registry.js';
import type { AsyncTaskModuleOptions } from './interfaces/async-task-module-options.interface.js';
import { ProgressSampler } from './progress/progress.sampler.js';
import { ProgressStore } from './progress/progress.store.js';
import { RedisConnections } from './redis-connections.js';
import { LiveLogArchiver } from './task-log/live-log.archiver.js';
import { LiveLogWriter } from './task-log/live-log.writer.js';
import { LogFollowReader } from './task-log/log-follow.reader.js';
import { TaskLogReader } from './task-log/task-log.reader.js';
import { TaskLogStore } from './task-log/task-log.store.js';
import { TaskAttemptRunner } from './task-attempt.runner.js';
import { TaskHandover } from './task-handover.js';
import { TaskQueues } from './task-queues.js';
import { TaskRecordStore } from './task-record.store.js';
import { TaskRecordBatchStore } from './task-record.batch-store.js';
import { TaskLifecycleWrites } from './task-lifecycle.writes.js';
import { TaskSubmissions } from './task-submissions.js';

/**
 * Background tasks across a cluster of nodes. Import once with `forRoot(options)` or
 * `forRootAsync({ imports, inject, useFactory })`; the host app provides the TypeORM DataSource
 * (with `ASYNC_TASK_ENTITIES` or `autoLoadEntities`, and `ASYNC_TASK_MIGRATIONS` run).
 */
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
    TaskRecordStore,
    TaskRecordBatchStore,
    TaskLifecycleWrites,
    TaskSubmissions,
    TaskLogStore,
    LiveLogWriter,
    LiveLogArchiver,
    TaskLogReader,
    LogFollowReader,
    ProgressStore,
    ProgressSampler,
    TaskQueues,
    FactoryRegistry,
    FactoryExplorer,
    TaskHandover,
    TaskAttemptRunner,
    AsyncTaskExecutor,
    AsyncTaskReceiver,
    AsyncTaskManager,
    NodeHeartbeat,
    NodeRegistry,
    ExecutionSupervisor,
    FailoverLock,
    QueueReconciler,
    FailoverScanner,
    AsyncTaskLifecycle,
  ],
  exports: [AsyncTaskManager],
})
export class AsyncTaskModule extends AsyncTaskConfigurableModule {}
