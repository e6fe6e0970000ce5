import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AsyncTaskModuleOptions } from '../interfaces/async-task-module-options.interface.js';

export const {
  ConfigurableModuleClass: AsyncTaskConfigurableModule,
  MODULE_OPTIONS_TOKEN: ASYNC_TASK_MODULE_OPTIONS,
  OPTIONS_TYPE: ASYNC_TASK_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ASYNC_TASK_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AsyncTaskModuleOptions>().setClassMethodName('forRoot').build();
