// Public surface of the gateway for tests and tools: build it, configure it.
export { type BuildGatewayOptions, buildGateway } from './app.js';
export { type GatewayConfig, loadGatewayConfig } from './config.js';
