// The gateway's configuration from FIELDLINE_* environment variables, read once and failing fast.
import { ConfigError, env, loadConfig } from '@fieldline/platform';

const MIN_JWT_SECRET_LENGTH = 32;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
// The location service's own cap on one IngestPings call (FIELDLINE_INGEST_MAX_BATCH) defaults to 5000.
const MAX_PING_BATCH = 5000;

export const gatewayConfigSpec = {
  port: env.port('FIELDLINE_HTTP_PORT', 8080),
  host: env.string('FIELDLINE_HTTP_HOST', '0.0.0.0'),
  accountsAddr: env.string('FIELDLINE_ACCOUNTS_ADDR', '127.0.0.1:50051'),
  jobsAddr: env.string('FIELDLINE_JOBS_ADDR', '127.0.0.1:50052'),
  locationAddr: env.string('FIELDLINE_LOCATION_ADDR', '127.0.0.1:50053'),
  natsUrl: env.url('FIELDLINE_NATS_URL', 'nats://127.0.0.1:4222'),
  natsPrefix: env.string('FIELDLINE_NATS_PREFIX', 'fl'),
  liveSubjectPrefix: env.string('FIELDLINE_LIVE_SUBJECT_PREFIX', 'live'),
  jwtSecret: env.string('FIELDLINE_JWT_SECRET'),
  corsOrigins: env.list('FIELDLINE_CORS_ORIGINS', []),
  bodyLimitBytes: env.int('FIELDLINE_BODY_LIMIT_BYTES', 1024 * 1024, 1),
  authRateLimitPerMinute: env.int('FIELDLINE_RATE_LIMIT_AUTH_PER_MINUTE', 10, 1),
  publicRateLimitPerMinute: env.int('FIELDLINE_RATE_LIMIT_PUBLIC_PER_MINUTE', 30, 1),
  deviceRateLimitPerMinute: env.int('FIELDLINE_RATE_LIMIT_DEVICE_PER_MINUTE', 600, 1),
  pingBatchMax: env.int('FIELDLINE_PING_BATCH_MAX', 1000, 1),
  livePingIntervalMs: env.int('FIELDLINE_LIVE_PING_INTERVAL_MS', 30_000, 100),
  liveMaxBufferedBytes: env.int('FIELDLINE_LIVE_MAX_BUFFERED_BYTES', 1024 * 1024, 1024),
  grpcDeadlineMs: env.int('FIELDLINE_GRPC_DEADLINE_MS', 5000, 1),
  grpcStreamDeadlineMs: env.int('FIELDLINE_GRPC_STREAM_DEADLINE_MS', 30 * 60_000, 1),
  uploadMaxBytes: env.int('FIELDLINE_UPLOAD_MAX_BYTES', 100 * 1024 * 1024, 1),
  trustProxy: env.bool('FIELDLINE_TRUST_PROXY', false),
};

export type GatewayConfig = {
  port: number;
  host: string;
  accountsAddr: string;
  jobsAddr: string;
  locationAddr: string;
  /** NATS for the live feed: core NATS live positions and the JetStream-published job events. */
  natsUrl: string;
  /** Subject prefix of domain events: `<prefix>.<tenant>.<producer>.<type>`. */
  natsPrefix: string;
  /** Live positions arrive on `<live prefix>.<tenant>.positions` (the location service's setting of the same name). */
  liveSubjectPrefix: string;
  jwtSecret: string;
  corsOrigins: string[];
  bodyLimitBytes: number;
  authRateLimitPerMinute: number;
  publicRateLimitPerMinute: number;
  /** Per client IP on the Traccar Client (OsmAnd) endpoint, which has no credential to count by. */
  deviceRateLimitPerMinute: number;
  /** Most pings in one POST /v1/device/pings. */
  pingBatchMax: number;
  /** How often a live socket is pinged; one that has not answered the previous ping is closed. */
  livePingIntervalMs: number;
  /** A live socket with more unsent bytes than this gets no positions until it catches up (4 × closes it). */
  liveMaxBufferedBytes: number;
  grpcDeadlineMs: number;
  /** Deadline of a streamed upload or download (files take longer than a unary call). */
  grpcStreamDeadlineMs: number;
  /** Absolute cap on one uploaded file, whatever a tenant's own limit says. */
  uploadMaxBytes: number;
  trustProxy: boolean;
};

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(gatewayConfigSpec, source);
  const problems: string[] = [];
  // A short HS256 key is guessable offline from any token; refuse to start rather than mint weak tokens.
  if (config.jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    problems.push(`FIELDLINE_JWT_SECRET: needs at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  // Subject prefixes become part of subscriptions: a wildcard or space in one would widen or break them.
  for (const [name, value] of [
    ['FIELDLINE_NATS_PREFIX', config.natsPrefix],
    ['FIELDLINE_LIVE_SUBJECT_PREFIX', config.liveSubjectPrefix],
  ]) {
    if (!SUBJECT_PREFIX.test(value)) {
      problems.push(`${name}: expected subject tokens (letters, digits, _ and -, joined by dots), got "${value}"`);
    }
  }
  if (config.pingBatchMax > MAX_PING_BATCH) {
    problems.push(`FIELDLINE_PING_BATCH_MAX: expected at most ${MAX_PING_BATCH}, got "${config.pingBatchMax}"`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
