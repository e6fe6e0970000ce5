export * from '../task/async-task.interface.js';
export * from '../task/async-task-factory.interface.js';
export * from './async-task-module-options.interface.js';
export * from './submit-async-task.interface.js';
export * from './task-log-options.interface.js';
