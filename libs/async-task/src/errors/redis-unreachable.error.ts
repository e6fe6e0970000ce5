import { messages } from '../async-task.messages.js';
import { AsyncTaskError } from './async-task.error.js';

/** Redis did not answer at start-up within `startupTimeoutMs`; `address` has any password masked. */
export class RedisUnreachableError extends AsyncTaskError {
  constructor(
    readonly address: string,
    timeoutMs: number,
    detail: string,
  ) {
    super(messages.redisUnreachable(address, timeoutMs, detail));
  }
}
