export * from './options.js';
export * from './monitor.js';
