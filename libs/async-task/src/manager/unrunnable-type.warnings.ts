import { Injectable, Logger } from '@nestjs/common';
import { messages } from '../async-task.messages.js';
import { NodeRegistry } from '../cluster/node-registry.js';

/**
 * Warns once per task type when tasks are submitted that no live node can run: they wait in the queue
 * (as documented) until a node with a factory for the type starts, and the user should know why.
 * A type seen runnable once is not checked again, so steady submissions cost no extra Redis calls.
 */
@Injectable()
export class UnrunnableTypeWarnings {
  private readonly logger = new Logger('AsyncTaskManager');
  private readonly settled = new Set<string>();
  private readonly checking = new Set<string>();

  constructor(private readonly nodes: NodeRegistry) {}

  /** Checks `taskType` in the background (never delays or fails the submit). */
  notice(taskType: string): void {
    if (this.settled.has(taskType) || this.checking.has(taskType)) return;
    this.checking.add(taskType);
    this.nodes
      .listNodes()
      .then((nodes) => {
        this.settled.add(taskType);
        if (!nodes.some((node) => node.taskTypes.includes(taskType))) this.logger.warn(messages.typeWithoutRunner(taskType, nodes.length));
      })
      .catch(() => undefined) // Redis trouble is reported by the connections themselves; try again on the next submit.
      .finally(() => this.checking.delete(taskType));
  }
}
