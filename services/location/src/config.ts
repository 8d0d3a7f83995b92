// The location service's configuration, read once from the environment; fails fast naming each bad variable.
import { ConfigError, env, loadConfig } from '@fieldline/platform';

const spec = {
  grpcPort: env.port('FIELDLINE_GRPC_PORT', 50053),
  databaseUrl: env.url('FIELDLINE_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
  databaseName: env.string('FIELDLINE_LOCATION_DATABASE', 'fieldline_location'),
  natsUrl: env.url('FIELDLINE_NATS_URL', 'nats://127.0.0.1:4222'),
  natsPrefix: env.string('FIELDLINE_NATS_PREFIX', 'fl'),
  accountsAddr: env.string('FIELDLINE_ACCOUNTS_ADDR', '127.0.0.1:50051'),
  trackRetentionDays: env.int('FIELDLINE_TRACK_RETENTION_DAYS', 30, 1),
  ingestMaxBatch: env.int('FIELDLINE_INGEST_MAX_BATCH', 5000, 1),
  gapTimeoutSeconds: env.int('FIELDLINE_GAP_TIMEOUT_SECONDS', 300, 1),
  liveSubjectPrefix: env.string('FIELDLINE_LIVE_SUBJECT_PREFIX', 'live'),
};

export type LocationConfig = {
  grpcPort: number;
  databaseUrl: string;
  databaseName: string;
  natsUrl: string;
  natsPrefix: string;
  /** host:port of the accounts gRPC server (device tokens, directory look-ups). */
  accountsAddr: string;
  /** Track days kept; older day partitions are dropped. */
  trackRetentionDays: number;
  /** Most pings in one IngestPings call or PingBatch message, and in one flush. */
  ingestMaxBatch: number;
  /** A missing seq is given up on once the pings behind it span this long (device or wall time). */
  gapTimeoutSeconds: number;
  /** Live positions go to `<prefix>.<tenant>.positions` on core NATS. */
  liveSubjectPrefix: string;
};

const ADDRESS = /^[A-Za-z0-9_.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const MAX_RETENTION_DAYS = 3650;
const MAX_BATCH = 50_000;

export function loadLocationConfig(source: NodeJS.ProcessEnv = process.env): LocationConfig {
  // The checks env readers cannot express run on the raw values, so every problem is reported in one go.
  const extra: string[] = [];
  const database = source.FIELDLINE_LOCATION_DATABASE;
  if (database && !/^[a-z_][a-z0-9_]*$/.test(database)) {
    extra.push(`FIELDLINE_LOCATION_DATABASE: expected a lower-case SQL identifier, got "${database}"`);
  }
  const accounts = source.FIELDLINE_ACCOUNTS_ADDR;
  if (accounts && !ADDRESS.test(accounts)) extra.push(`FIELDLINE_ACCOUNTS_ADDR: expected host:port, got "${accounts}"`);
  for (const name of ['FIELDLINE_NATS_PREFIX', 'FIELDLINE_LIVE_SUBJECT_PREFIX']) {
    const value = source[name];
    if (value && !SUBJECT_PREFIX.test(value)) {
      extra.push(`${name}: expected subject tokens (letters, digits, _ and -, joined by dots), got "${value}"`);
    }
  }
  const days = Number(source.FIELDLINE_TRACK_RETENTION_DAYS);
  if (Number.isInteger(days) && days > MAX_RETENTION_DAYS) {
    extra.push(`FIELDLINE_TRACK_RETENTION_DAYS: expected at most ${MAX_RETENTION_DAYS}, got "${days}"`);
  }
  const batch = Number(source.FIELDLINE_INGEST_MAX_BATCH);
  if (Number.isInteger(batch) && batch > MAX_BATCH) {
    extra.push(`FIELDLINE_INGEST_MAX_BATCH: expected at most ${MAX_BATCH}, got "${batch}"`);
  }
  let config: LocationConfig | undefined;
  try {
    config = loadConfig(spec, source);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError([...err.problems, ...extra]);
    throw err;
  }
  if (extra.length > 0) throw new ConfigError(extra);
  return config;
}
