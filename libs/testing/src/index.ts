// What integration tests need: real PostgreSQL and NATS (or a loud failure), fresh databases, unique prefixes.

export * from './clock.js';
export * from './database.js';
export * from './event-tap.js';
export * from './grpc-calls.js';
export * from './nats.js';
export * from './ports.js';
export * from './services.js';
export * from './wait-for.js';
