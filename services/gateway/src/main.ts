// Process entry: config → telemetry → build → listen; SIGTERM stops taking requests, drains, then exits.
import { createLogger, onShutdown, startTelemetry } from '@fieldline/platform';
import { buildGateway } from './app.js';
import { loadGatewayConfig } from './config.js';

const telemetry = startTelemetry('gateway');
const log = createLogger('gateway');

try {
  const config = loadGatewayConfig();
  const app = await buildGateway({ config, log });
  await app.listen({ port: config.port, host: config.host });
  // app.close() stops accepting connections, waits for requests in flight, then closes the gRPC clients.
  onShutdown(log, [() => app.close(), () => telemetry.shutdown()]);
} catch (err) {
  log.fatal({ err }, 'gateway failed to start');
  process.exit(1);
}
