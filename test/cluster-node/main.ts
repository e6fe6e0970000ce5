// One cluster node as its own process, for tests and benchmarks that kill nodes for real.
// Configured by env: CLUSTER_MYSQL_URL, CLUSTER_REDIS (the redis option as JSON), CLUSTER_PREFIX, CLUSTER_NODE_ID,
// CLUSTER_OPTIONS (JSON AsyncTaskModule options), CLUSTER_LOG=verbose for all log levels. Sends
// {type:'ready'} over IPC once it receives; submits what the parent sends as {type:'submit', input}
// or, in one submitAsyncTasks() call, {type:'submit-bulk', inputs}; answers {type:'listSchedules'}
// with its manager's listSchedules().
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ASYNC_TASK_ENTITIES, AsyncTaskManager, AsyncTaskModule, type AsyncTaskRedisOption, type SubmitAsyncTaskInput } from '@sfc/async-task';
import { ClusterTaskFactories } from './cluster-tasks.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const nodeId = env('CLUSTER_NODE_ID');

@Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'mysql', url: env('CLUSTER_MYSQL_URL'), entities: ASYNC_TASK_ENTITIES }),
    AsyncTaskModule.forRoot({
      redis: JSON.parse(env('CLUSTER_REDIS')) as AsyncTaskRedisOption,
      prefix: env('CLUSTER_PREFIX'),
      nodeId,
      ...(JSON.parse(process.env.CLUSTER_OPTIONS ?? '{}') as object),
    }),
  ],
  providers: [ClusterTaskFactories],
})
class ClusterNodeModule {}

const app = await NestFactory.createApplicationContext(ClusterNodeModule, { logger: process.env.CLUSTER_LOG === 'verbose' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn'] });
await app.init();
// Graceful shutdown as a process manager triggers it; exit code 0 tells the test it completed.
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`shutdown failed: ${error.message}`);
      process.exit(1);
    },
  );
});
const manager = app.get(AsyncTaskManager);
for (const factory of app.get(ClusterTaskFactories).all(nodeId)) manager.registerFactory(factory);
// The test may submit through this node (its own manager, queues and Redis connections): {type:'submit', input}.
process.on('message', (message: { type?: string; requestId?: number; input?: SubmitAsyncTaskInput }) => {
  if (message.type !== 'submit') return;
  manager.submitAsyncTask(message.input!).then(
    (record) => process.send?.({ type: 'submitted', requestId: message.requestId, id: record.id }),
    (error: Error) => process.send?.({ type: 'submitted', requestId: message.requestId, error: error.message }),
  );
});
process.on('message', (message: { type?: string; requestId?: number; inputs?: SubmitAsyncTaskInput[] }) => {
  if (message.type !== 'submit-bulk') return;
  manager.submitAsyncTasks(message.inputs!).then(
    (answers) => {
      const reply = answers.map((answer) => (answer.ok ? { id: answer.record.id } : { error: `${answer.error.name}: ${answer.error.message}` }));
      process.send?.({ type: 'submitted-bulk', requestId: message.requestId, answers: reply });
    },
    (error: Error) => process.send?.({ type: 'submitted-bulk', requestId: message.requestId, error: error.message }),
  );
});
// And read this node's view of the schedules: {type:'listSchedules'}.
process.on('message', (message: { type?: string; requestId?: number }) => {
  if (message.type !== 'listSchedules') return;
  manager.listSchedules().then(
    (schedules) => process.send?.({ type: 'schedules', requestId: message.requestId, schedules }),
    (error: Error) => process.send?.({ type: 'schedules', requestId: message.requestId, error: error.message }),
  );
});
process.send?.({ type: 'ready', nodeId });
