export * from './options.js';
export * from './monitor.js';
export * from './api.js';
export * from './stats.js';
export * from './subjects.js';
export * from './passwords.js';
export * from './secrets.js';
export * from './messages.js';
