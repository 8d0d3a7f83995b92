// The gateway's configuration from FIELDLINE_* environment variables, read once and failing fast.
import { ConfigError, env, loadConfig } from '@fieldline/platform';

const MIN_JWT_SECRET_LENGTH = 32;

export const gatewayConfigSpec = {
  port: env.port('FIELDLINE_HTTP_PORT', 8080),
  host: env.string('FIELDLINE_HTTP_HOST', '0.0.0.0'),
  accountsAddr: env.string('FIELDLINE_ACCOUNTS_ADDR', '127.0.0.1:50051'),
  jobsAddr: env.string('FIELDLINE_JOBS_ADDR', '127.0.0.1:50052'),
  jwtSecret: env.string('FIELDLINE_JWT_SECRET'),
  corsOrigins: env.list('FIELDLINE_CORS_ORIGINS', []),
  bodyLimitBytes: env.int('FIELDLINE_BODY_LIMIT_BYTES', 1024 * 1024, 1),
  authRateLimitPerMinute: env.int('FIELDLINE_RATE_LIMIT_AUTH_PER_MINUTE', 10, 1),
  publicRateLimitPerMinute: env.int('FIELDLINE_RATE_LIMIT_PUBLIC_PER_MINUTE', 30, 1),
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
  jwtSecret: string;
  corsOrigins: string[];
  bodyLimitBytes: number;
  authRateLimitPerMinute: number;
  publicRateLimitPerMinute: number;
  grpcDeadlineMs: number;
  /** Deadline of a streamed upload or download (files take longer than a unary call). */
  grpcStreamDeadlineMs: number;
  /** Absolute cap on one uploaded file, whatever a tenant's own limit says. */
  uploadMaxBytes: number;
  trustProxy: boolean;
};

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(gatewayConfigSpec, source);
  // A short HS256 key is guessable offline from any token; refuse to start rather than mint weak tokens.
  if (config.jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError([`FIELDLINE_JWT_SECRET: needs at least ${MIN_JWT_SECRET_LENGTH} characters`]);
  }
  return config;
}
