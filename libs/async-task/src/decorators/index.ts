export * from './async-task-factory.decorator.js';
