export * from './async-task.error.js';
export * from './async-task-not-found.error.js';
export * from './invalid-async-task.error.js';
export * from './duplicate-task-id.error.js';
export * from './duplicate-task-type.error.js';
export * from './invalid-factory.error.js';
export * from './invalid-options.error.js';
