export * from './async-task.interface.js';
export * from './async-task-factory.interface.js';
export * from './async-task-module-options.interface.js';
export * from './submit-async-task.interface.js';
export * from './task-log-options.interface.js';
export * from './async-task-event.interface.js';
