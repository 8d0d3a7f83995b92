// Finds the PostgreSQL and NATS servers tests run against: the configured URL if it answers, else a
// container when Docker is present, else a loud failure saying how to start the local server. Never a skip.
import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_TEST_NATS_URL = 'nats://127.0.0.1:4222';

export const START_POSTGRES_COMMAND = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
export const START_NATS_COMMAND =
  'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log';

const hasDocker = () => existsSync('/var/run/docker.sock');

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

// Why the server at `url` cannot be used (down, or without JetStream); undefined when it can.
async function natsProblem(url: string): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: url, timeout: 3000, reconnect: false });
    try {
      const { jetstreamManager } = await import('@nats-io/jetstream');
      await jetstreamManager(nc); // checks that JetStream answers
      return undefined;
    } catch (err) {
      return `NATS at ${url} answers but JetStream does not (${(err as Error).message}): it needs -js`;
    } finally {
      await nc.close();
    }
  } catch (err) {
    return `NATS is unreachable at ${url} (${(err as Error).message})`;
  }
}

/** Resolves the PostgreSQL server to test against from `env`, without memoizing (testPostgresUrl does). */
export async function findPostgres(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const url = env.FIELDLINE_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  if (await postgresAnswers(url)) return url;
  if (!env.FIELDLINE_DATABASE_URL && hasDocker()) return startPostgresContainer();
  throw new Error(
    `PostgreSQL is unreachable at ${url}. Start it with:\n  ${START_POSTGRES_COMMAND}\n` +
      '(or point FIELDLINE_DATABASE_URL at a running server; with it unset and Docker present, a container is started)',
  );
}

/** Resolves the NATS server (with JetStream) to test against from `env`, without memoizing. */
export async function findNats(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const url = env.FIELDLINE_NATS_URL ?? DEFAULT_TEST_NATS_URL;
  const problem = await natsProblem(url);
  if (!problem) return url;
  if (!env.FIELDLINE_NATS_URL && hasDocker()) return startNatsContainer();
  throw new Error(
    `${problem}. Start it with:\n  ${START_NATS_COMMAND}\n` +
      '(or point FIELDLINE_NATS_URL at a running server; with it unset and Docker present, a container is started)',
  );
}

let postgres: Promise<string> | undefined;
let nats: Promise<string> | undefined;

/** URL of a PostgreSQL server (database `postgres`) the tests may create databases on; found once per test file. */
export function testPostgresUrl(): Promise<string> {
  postgres ??= findPostgres();
  return postgres;
}

/** URL of a NATS server with JetStream enabled; found once per test file. */
export function testNatsUrl(): Promise<string> {
  nats ??= findNats();
  return nats;
}

// testcontainers is loaded only here: most runs never need it, and it is slow to import.
async function startPostgresContainer(): Promise<string> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
}

async function startNatsContainer(): Promise<string> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('nats:2.10')
    .withCommand(['-js'])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  return `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
}
