import { Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { ASYNC_TASK_RESOLVED_OPTIONS } from './async-task.constants.js';
import type { ResolvedAsyncTaskOptions } from './async-task.options.js';
import { type AsyncTaskFactory, AsyncTaskFactoryMarker } from './decorators/async-task-factory.decorator.js';
import { InvalidFactoryError } from './errors/invalid-factory.error.js';
import { FactoryRegistry } from './factory-registry.js';

/**
 * Collects factories at start-up: `@AsyncTaskFactory()` providers (useClass, useValue and useFactory
 * alike) and the `factories` option. Errors here stop the application from starting.
 */
@Injectable()
export class FactoryExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly registry: FactoryRegistry,
    @Inject(ASYNC_TASK_RESOLVED_OPTIONS) private readonly options: ResolvedAsyncTaskOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.options.worker) return; // API-only nodes run nothing, so they need no factories.
    for (const wrapper of this.discovery.getProviders({ metadataKey: AsyncTaskFactoryMarker.KEY })) {
      const { taskType: declaredType } = this.discovery.getMetadataByDecorator(AsyncTaskFactoryMarker, wrapper) ?? {};
      const source = `${wrapper.metatype?.name ?? String(wrapper.token)} (@AsyncTaskFactory)`;
      const instance = wrapper.instance as AsyncTaskFactory | undefined;
      if (!instance) throw new InvalidFactoryError(source, 'it must be a singleton provider (request-scoped factories are not supported)');
      const taskType = this.registry.register(instance, source);
      if (typeof declaredType === 'string' && declaredType !== taskType) {
        throw new InvalidFactoryError(source, `@AsyncTaskFactory('${declaredType}') differs from getTaskType() '${taskType}'`);
      }
    }
    for (const entry of this.options.factories) {
      if (typeof entry === 'function') {
        this.registry.register(await this.instantiate(entry), `${entry.name} (factories option)`);
      } else {
        this.registry.register(entry, `${entry?.constructor?.name ?? 'instance'} (factories option)`);
      }
    }
  }

  /** The app's own provider of that class if there is one; otherwise a new instance with its dependencies injected. */
  private async instantiate(factoryClass: Type<AsyncTaskFactory>): Promise<AsyncTaskFactory> {
    try {
      return this.moduleRef.get(factoryClass, { strict: false });
    } catch {
      return this.moduleRef.create(factoryClass);
    }
  }
}
