// Public surface of the location service package: start it in-process (tests, the dev runner), its config, the engine.
export { type RunningLocation, startLocation } from './app.js';
export { type LocationConfig, loadLocationConfig } from './config.js';
export * from './domain/index.js';
