// Process entry: telemetry first (it patches modules as they load), then config, then the service; SIGTERM
// stops taking pings, flushes and acks everything read, publishes the last live positions, then exits.
import { ConfigError, createLogger, onShutdown, startTelemetry } from '@fieldline/platform';

const telemetry = startTelemetry('location');
const log = createLogger('location');

// Loaded after telemetry has started, so pg and grpc-js are instrumented.
const { loadLocationConfig } = await import('./config.js');
const { startLocation } = await import('./app.js');

let config: ReturnType<typeof loadLocationConfig>;
try {
  config = loadLocationConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

const running = await startLocation({ config, log }).catch((err: unknown) => {
  // Unreachable PostgreSQL or NATS, a port in use, a failed migration: say so once, exit non-zero.
  log.fatal({ err }, 'location could not start');
  process.exit(1);
});
onShutdown(log, [() => running.stop(), () => telemetry.shutdown()]);
