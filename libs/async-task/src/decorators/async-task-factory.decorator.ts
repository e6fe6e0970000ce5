import { DiscoveryService } from '@nestjs/core';
import type { AsyncTaskFactory as AsyncTaskFactoryContract } from '../task/async-task-factory.interface.js';
import type { TaskPolicy } from '../task/task-policy.interface.js';

/** What the decorator records on a factory class. */
export interface AsyncTaskFactoryMetadata {
  taskType?: string;
  policy?: TaskPolicy;
}

/** The discoverable marker behind `@AsyncTaskFactory()` (internal: the explorer looks providers up by it). */
export const AsyncTaskFactoryMarker = DiscoveryService.createDecorator<AsyncTaskFactoryMetadata>();

/**
 * Marks an injectable class as the factory of a task type; the module discovers it at start-up and
 * injects its dependencies as for any provider. The optional type documents the type and must equal
 * what `getTaskType()` returns; the optional policy sets the type's default retries, backoff and
 * timeout (a submission may override each; a `getTaskPolicy()` method on the factory wins over it).
 *
 * ```ts
 * @Injectable()
 * @AsyncTaskFactory('video.transcode', { retries: 2, backoff: { type: 'exponential', delayMs: 5000 }, timeoutMs: 3_600_000 })
 * export class TranscodeFactory implements AsyncTaskFactory { … }
 * ```
 */
export function AsyncTaskFactory(taskType?: string, policy?: TaskPolicy): ClassDecorator {
  return AsyncTaskFactoryMarker({ taskType, policy });
}

/** The policy given to `@AsyncTaskFactory()` on the factory's class, whichever way it was registered. */
export function declaredPolicyOf(factory: object): TaskPolicy | undefined {
  const metadata = Reflect.getMetadata(AsyncTaskFactoryMarker.KEY, factory.constructor) as AsyncTaskFactoryMetadata | undefined;
  return metadata?.policy;
}

/** The contract a factory implements (same name as the decorator, as with Nest's own `Injectable`). */
export interface AsyncTaskFactory extends AsyncTaskFactoryContract {}
