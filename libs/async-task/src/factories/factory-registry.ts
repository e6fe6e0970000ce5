import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { TASK_TYPE_PATTERN } from '../async-task.constants.js';
import { DuplicateTaskTypeError } from '../errors/duplicate-task-type.error.js';
import { InvalidFactoryError } from '../errors/invalid-factory.error.js';
import type { AsyncTaskFactory } from '../task/async-task-factory.interface.js';
import { validateTaskPolicy } from '../policies/task-policy.js';
import type { TaskPolicy } from '../task/task-policy.interface.js';
import { declaredPolicyOf } from '../decorators/async-task-factory.decorator.js';

interface Registration {
  factory: AsyncTaskFactory;
  /** The type's default policy (validated). */
  policy: TaskPolicy;
  /** Where it came from, for error messages (class name and registration way). */
  source: string;
}

/** The factories of this node, by task type. Emits `registered` (taskType) for each new one. */
@Injectable()
export class FactoryRegistry extends EventEmitter {
  private readonly byType = new Map<string, Registration>();

  /**
   * Validates and adds a factory; a second factory for one type is an error naming both. The type's
   * default policy comes from the factory's `getTaskPolicy()`, else from its `@AsyncTaskFactory()`.
   */
  register(factory: AsyncTaskFactory, source: string): string {
    if (!factory || typeof factory.createTask !== 'function' || typeof factory.getTaskType !== 'function') {
      throw new InvalidFactoryError(source, 'it must have createTask(params, record) and getTaskType() methods');
    }
    const taskType = factory.getTaskType();
    if (typeof taskType !== 'string' || !TASK_TYPE_PATTERN.test(taskType)) {
      throw new InvalidFactoryError(
        source,
        `getTaskType() returned ${JSON.stringify(taskType)}; a task type is 1–64 letters, digits, ".", "_" or "-"`,
      );
    }
    const declared = typeof factory.getTaskPolicy === 'function' ? factory.getTaskPolicy() : declaredPolicyOf(factory);
    const valid = validateTaskPolicy(declared ?? {}, (field, problem) => {
      throw new InvalidFactoryError(source, `its task policy's ${field} ${problem}`);
    });
    const existing = this.byType.get(taskType);
    if (existing) throw new DuplicateTaskTypeError(taskType, existing.source, source);
    this.byType.set(taskType, { factory, source, policy: valid });
    this.emit('registered', taskType);
    return taskType;
  }

  get(taskType: string): AsyncTaskFactory | undefined {
    return this.byType.get(taskType)?.factory;
  }

  /** The type's default policy; empty for a type not registered here. */
  policyOf(taskType: string): TaskPolicy {
    return this.byType.get(taskType)?.policy ?? {};
  }

  taskTypes(): string[] {
    return [...this.byType.keys()];
  }
}
