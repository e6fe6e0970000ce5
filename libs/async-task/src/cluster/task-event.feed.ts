import { Injectable, Logger } from '@nestjs/common';
import type { AsyncTaskEvent } from '../interfaces/async-task-event.interface.js';
import { describeError } from '../util/describe-error.js';
import { ClusterEvents } from './cluster-events.js';

/**
 * Tasks' live events from every node, for `AsyncTaskManager.onTaskEvent()`: each `exit` and `retry`, and the
 * progress samples nodes announce once a second (one message per node and second, split here).
 */
@Injectable()
export class TaskEventFeed {
  private readonly logger = new Logger('AsyncTaskManager');

  constructor(private readonly events: ClusterEvents) {}

  async listen(listener: (event: AsyncTaskEvent) => void): Promise<() => void> {
    const deliver = (event: AsyncTaskEvent) => {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`A task event listener threw: ${describeError(error)}`);
      }
    };
    const stopExits = await this.events.on('exit', deliver);
    const stopRetries = await this.events.on('retry', deliver);
    const stopProgress = await this.events.on('progress', ({ samples }) => {
      for (const sample of samples) deliver({ kind: 'progress', ...sample });
    });
    return () => {
      stopExits();
      stopRetries();
      stopProgress();
    };
  }
}
