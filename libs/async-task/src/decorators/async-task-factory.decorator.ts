import { DiscoveryService } from '@nestjs/core';
import type { AsyncTaskFactory as AsyncTaskFactoryContract } from '../interfaces/async-task-factory.interface.js';

/**
 * Marks an injectable class as the factory of a task type; the module discovers it at start-up and
 * injects its dependencies as for any provider. The optional argument documents the type and must
 * equal what `getTaskType()` returns.
 *
 * ```ts
 * @Injectable()
 * @AsyncTaskFactory('video.transcode')
 * export class TranscodeFactory implements AsyncTaskFactory { … }
 * ```
 */
export const AsyncTaskFactory = DiscoveryService.createDecorator<string | void>();

/** The contract a factory implements (same name as the decorator, as with Nest's own `Injectable`). */
export interface AsyncTaskFactory extends AsyncTaskFactoryContract {}
