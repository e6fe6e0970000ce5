import { Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { ASYNC_TASK_RESOLVED_OPTIONS } from '../async-task.constants.js';
import { messages } from '../async-task.messages.js';
import type { ResolvedAsyncTaskOptions } from '../config/async-task.options.js';
import { type AsyncTaskFactory, AsyncTaskFactoryMarker } from '../decorators/async-task-factory.decorator.js';
import { InvalidFactoryError } from '../errors/invalid-factory.error.js';
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
    // A factory provided in a module and also listed in `factories` is one factory, registered once.
    const registered = new Set<AsyncTaskFactory>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: AsyncTaskFactoryMarker.KEY })) {
      const { taskType: declaredType } = this.discovery.getMetadataByDecorator(AsyncTaskFactoryMarker, wrapper) ?? {};
      const source = `${wrapper.metatype?.name ?? String(wrapper.token)} (@AsyncTaskFactory)`;
      const instance = wrapper.instance as AsyncTaskFactory | undefined;
      if (!instance) throw new InvalidFactoryError(source, 'it must be a singleton provider (request-scoped factories are not supported)');
      if (registered.has(instance)) continue;
      const taskType = this.registry.register(instance, source);
      registered.add(instance);
      if (typeof declaredType === 'string' && declaredType !== taskType) {
        throw new InvalidFactoryError(source, `@AsyncTaskFactory('${declaredType}') differs from getTaskType() '${taskType}'`);
      }
    }
    for (const entry of this.options.factories) {
      const source = typeof entry === 'function' ? `${entry.name} (factories option)` : `${entry?.constructor?.name ?? 'instance'} (factories option)`;
      const instance = typeof entry === 'function' ? this.instantiate(entry, source) : entry;
      if (registered.has(instance)) continue;
      this.registry.register(instance, source);
      registered.add(instance);
    }
  }

  /**
   * The app's own provider of that class if there is one; otherwise a new instance whose constructor
   * dependencies come from anywhere in the app (not only from this library's module, which cannot
   * see the host's services).
   */
  private instantiate(factoryClass: Type<AsyncTaskFactory>, source: string): AsyncTaskFactory {
    const provided = this.find(factoryClass);
    if (provided.found) return provided.value as AsyncTaskFactory;
    const types: unknown[] = Reflect.getMetadata(PARAM_TYPES, factoryClass) ?? [];
    const injected: Array<{ index: number; param: unknown }> = Reflect.getMetadata(INJECTED_PARAMS, factoryClass) ?? [];
    const optional: number[] = Reflect.getMetadata(OPTIONAL_PARAMS, factoryClass) ?? [];
    const dependencies = types.map((type, index) => {
      const token = unwrapForwardRef(injected.find((entry) => entry.index === index)?.param ?? type);
      const dependency = this.find(token);
      if (dependency.found || optional.includes(index)) return dependency.value;
      throw new InvalidFactoryError(source, messages.factoryDependencyMissing(tokenName(token), index));
    });
    return new factoryClass(...dependencies);
  }

  private find(token: unknown): { found: boolean; value?: unknown } {
    try {
      return { found: true, value: this.moduleRef.get(token as Type<unknown>, { strict: false }) };
    } catch {
      return { found: false };
    }
  }
}

// Nest's own metadata keys for constructor parameters (design types, @Inject() tokens, @Optional()).
const PARAM_TYPES = 'design:paramtypes';
const INJECTED_PARAMS = 'self:paramtypes';
const OPTIONAL_PARAMS = 'optional:paramtypes';

function unwrapForwardRef(token: unknown): unknown {
  const forward = (token as { forwardRef?: () => unknown } | undefined)?.forwardRef;
  return typeof forward === 'function' ? forward() : token;
}

function tokenName(token: unknown): string {
  return typeof token === 'function' ? token.name : String(token);
}
