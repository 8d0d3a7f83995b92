// The jobs service's configuration, read once from the environment; fails fast naming each bad variable.
import { ConfigError, env, loadConfig } from '@fieldline/platform';

export const BLOB_DRIVERS = ['local', 's3'] as const;
export type BlobDriver = (typeof BLOB_DRIVERS)[number];

const spec = {
  grpcPort: env.port('FIELDLINE_GRPC_PORT', 50052),
  databaseUrl: env.url('FIELDLINE_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
  databaseName: env.string('FIELDLINE_JOBS_DATABASE', 'fieldline_jobs'),
  natsUrl: env.url('FIELDLINE_NATS_URL', 'nats://127.0.0.1:4222'),
  natsPrefix: env.string('FIELDLINE_NATS_PREFIX', 'fl'),
  accountsAddr: env.string('FIELDLINE_ACCOUNTS_ADDR', '127.0.0.1:50051'),
  // Empty: no location service yet, so auto-assign skips the nearest-worker rule.
  locationAddr: env.string('FIELDLINE_LOCATION_ADDR', ''),
  delayCheckIntervalMs: env.int('FIELDLINE_DELAY_CHECK_INTERVAL_MS', 30_000, 100),
  reminderIntervalMs: env.int('FIELDLINE_REMINDER_INTERVAL_MS', 5_000, 100),
  blobDriver: env.oneOf('FIELDLINE_BLOB_DRIVER', BLOB_DRIVERS, 'local'),
  blobDir: env.string('FIELDLINE_BLOB_DIR', 'var/blobs'),
  s3Endpoint: env.string('FIELDLINE_S3_ENDPOINT', ''),
  s3Bucket: env.string('FIELDLINE_S3_BUCKET', ''),
  s3Region: env.string('FIELDLINE_S3_REGION', 'us-east-1'),
  s3AccessKeyId: env.string('FIELDLINE_S3_ACCESS_KEY_ID', ''),
  s3SecretAccessKey: env.string('FIELDLINE_S3_SECRET_ACCESS_KEY', ''),
  s3ForcePathStyle: env.bool('FIELDLINE_S3_FORCE_PATH_STYLE', true),
};

export type JobsConfig = {
  grpcPort: number;
  databaseUrl: string;
  databaseName: string;
  natsUrl: string;
  natsPrefix: string;
  /** host:port of the accounts gRPC server (its DirectoryService). */
  accountsAddr: string;
  /** host:port of the location service; empty when there is none. */
  locationAddr: string;
  delayCheckIntervalMs: number;
  /** How often due reminders are looked for (so a reminder goes out at most this late). */
  reminderIntervalMs: number;
  blobDriver: BlobDriver;
  blobDir: string;
  s3Endpoint: string;
  s3Bucket: string;
  s3Region: string;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  s3ForcePathStyle: boolean;
};

const ADDRESS = /^[A-Za-z0-9_.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

export function loadJobsConfig(source: NodeJS.ProcessEnv = process.env): JobsConfig {
  // The checks env readers cannot express run on the raw values, so every problem is reported in one go.
  const extra: string[] = [];
  const database = source.FIELDLINE_JOBS_DATABASE;
  if (database && !/^[a-z_][a-z0-9_]*$/.test(database)) {
    extra.push(`FIELDLINE_JOBS_DATABASE: expected a lower-case SQL identifier, got "${database}"`);
  }
  for (const name of ['FIELDLINE_ACCOUNTS_ADDR', 'FIELDLINE_LOCATION_ADDR']) {
    const value = source[name];
    if (value && !ADDRESS.test(value)) extra.push(`${name}: expected host:port, got "${value}"`);
  }
  if (source.FIELDLINE_BLOB_DRIVER === 's3') {
    for (const name of ['FIELDLINE_S3_BUCKET', 'FIELDLINE_S3_ACCESS_KEY_ID', 'FIELDLINE_S3_SECRET_ACCESS_KEY']) {
      if (!source[name]) extra.push(`${name}: required when FIELDLINE_BLOB_DRIVER=s3, not set`);
    }
    const endpoint = source.FIELDLINE_S3_ENDPOINT;
    if (endpoint && !(URL.canParse(endpoint) && /^https?:$/.test(new URL(endpoint).protocol))) {
      extra.push(`FIELDLINE_S3_ENDPOINT: expected an http(s) URL, got "${endpoint}"`);
    }
  }
  let config: JobsConfig | undefined;
  try {
    config = loadConfig(spec, source);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError([...err.problems, ...extra]);
    throw err;
  }
  if (extra.length > 0) throw new ConfigError(extra);
  return config;
}
