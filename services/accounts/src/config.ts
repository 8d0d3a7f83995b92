// The accounts service's configuration, read once from the environment; fails fast naming each bad variable.
import { ConfigError, env, loadConfig } from '@fieldline/platform';

const MIN_SECRET_LENGTH = 32;

const spec = {
  grpcPort: env.port('FIELDLINE_GRPC_PORT', 50051),
  databaseUrl: env.url('FIELDLINE_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
  databaseName: env.string('FIELDLINE_ACCOUNTS_DATABASE', 'fieldline_accounts'),
  natsUrl: env.url('FIELDLINE_NATS_URL', 'nats://127.0.0.1:4222'),
  natsPrefix: env.string('FIELDLINE_NATS_PREFIX', 'fl'),
  jwtSecret: env.string('FIELDLINE_JWT_SECRET'),
  accessTokenTtlSeconds: env.int('FIELDLINE_ACCESS_TOKEN_TTL_SECONDS', 900, 1),
  refreshTokenTtlDays: env.int('FIELDLINE_REFRESH_TOKEN_TTL_DAYS', 30, 1),
  invitationTtlHours: env.int('FIELDLINE_INVITATION_TTL_HOURS', 72, 1),
};

export type AccountsConfig = {
  grpcPort: number;
  databaseUrl: string;
  databaseName: string;
  natsUrl: string;
  natsPrefix: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  invitationTtlHours: number;
};

export function loadAccountsConfig(source: NodeJS.ProcessEnv = process.env): AccountsConfig {
  // The checks env readers cannot express run on the raw values, so every problem is reported in one go.
  const extra: string[] = [];
  const secret = source.FIELDLINE_JWT_SECRET;
  if (secret && secret.length < MIN_SECRET_LENGTH) {
    extra.push(`FIELDLINE_JWT_SECRET: needs at least ${MIN_SECRET_LENGTH} characters, got ${secret.length}`);
  }
  const hours = source.FIELDLINE_INVITATION_TTL_HOURS;
  if (hours && Number.isInteger(Number(hours)) && Number(hours) > 720) {
    extra.push(`FIELDLINE_INVITATION_TTL_HOURS: expected at most 720, got "${hours}"`);
  }
  const database = source.FIELDLINE_ACCOUNTS_DATABASE;
  if (database && !/^[a-z_][a-z0-9_]*$/.test(database)) {
    extra.push(`FIELDLINE_ACCOUNTS_DATABASE: expected a lower-case SQL identifier, got "${database}"`);
  }
  const prefix = source.FIELDLINE_NATS_PREFIX;
  if (prefix && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
    extra.push(
      `FIELDLINE_NATS_PREFIX: expected subject tokens (letters, digits, _ and -, joined by dots), got "${prefix}"`,
    );
  }
  let config: AccountsConfig | undefined;
  try {
    config = loadConfig(spec, source);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError([...err.problems, ...extra]);
    throw err;
  }
  if (extra.length > 0) throw new ConfigError(extra);
  return config;
}
