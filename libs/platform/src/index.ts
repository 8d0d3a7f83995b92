export * from './caller.js';
export * from './config.js';
export * from './db.js';
export * from './errors.js';
export * from './ids.js';
export * from './logger.js';
