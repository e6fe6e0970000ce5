// What a user's unit test does with @sfc/async-task/testing: run the task from its factory, no Redis
// or MySQL. Run as a script so it works the same for the ESM and the CommonJS build.
import assert from 'node:assert/strict';
import { AsyncTaskStatus } from '@sfc/async-task';
import { runAsyncTaskForTest } from '@sfc/async-task/testing';
import { GreetFactory } from './greetings/greet.factory.js';
import { GreetingService } from './greetings/greeting.service.js';

async function check() {
  const run = runAsyncTaskForTest(new GreetFactory(new GreetingService()), { params: { names: ['Ada', 'Linus'] } });
  const result = await run.result;
  assert.equal(result.status, AsyncTaskStatus.SUCCESS);
  assert.match(result.log, /Hello, Ada!/);
  assert.deepEqual({ total: result.progress?.total, loaded: result.progress?.loaded }, { total: 2, loaded: 2 });
  console.log('testing entry: SUCCESS with the log and progress captured');
}

check().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
