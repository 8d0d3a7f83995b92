// Process entry: telemetry first (it patches modules as they load), then config, then the service.
import { ConfigError, createLogger, onShutdown, startTelemetry } from '@fieldline/platform';

const telemetry = startTelemetry('accounts');
const log = createLogger('accounts');

// Loaded after telemetry has started, so pg and grpc-js are instrumented.
const { loadAccountsConfig } = await import('./config.js');
const { startAccounts } = await import('./app.js');

let config: ReturnType<typeof loadAccountsConfig>;
try {
  config = loadAccountsConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

const running = await startAccounts({ config, log }).catch((err: unknown) => {
  // Unreachable PostgreSQL or NATS, a port in use, a failed migration: say so once, exit non-zero.
  log.fatal({ err }, 'accounts could not start');
  process.exit(1);
});
onShutdown(log, [() => running.stop(), () => telemetry.shutdown()]);
