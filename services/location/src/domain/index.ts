// The location engine's public surface: pure domain code, no I/O.
export * from './cell-grid.js';
export * from './engine.js';
export * from './errors.js';
export * from './fence.js';
export * from './fence-index.js';
export * from './geo.js';
export * from './ping.js';
export * from './presence.js';
export * from './worker-index.js';
export * from './worker-stream.js';
