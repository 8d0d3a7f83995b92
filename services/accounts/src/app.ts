// Builds the accounts service from its configuration: database and migrations, NATS streams, outbox relay,
// gRPC server. Nothing happens on import; `stop` undoes it all in reverse order.
import {
  connectNats,
  createDb,
  createLogger,
  databaseUrl,
  ensureDatabase,
  ensureEventStreams,
  type Logger,
  migrate,
  Outbox,
  OutboxRelay,
  PLATFORM_MIGRATIONS_DIR,
  startGrpcServer,
} from '@fieldline/platform';
import type { AccountsConfig } from './config.js';
import type { AccountsDeps } from './grpc/deps.js';
import { accountsServices } from './grpc/services.js';
import type { AccountsDb } from './store/schema.js';

export const MIGRATIONS_DIR = new URL('../migrations', import.meta.url).pathname;

export interface RunningAccounts {
  port: number;
  stop(): Promise<void>;
}

export async function startAccounts(opts: {
  config: AccountsConfig;
  log?: Logger;
  clock?: () => Date;
}): Promise<RunningAccounts> {
  const { config } = opts;
  const log = opts.log ?? createLogger('accounts');
  const url = databaseUrl(config.databaseUrl, config.databaseName);

  await ensureDatabase(config.databaseUrl, config.databaseName);
  const { db, pool } = createDb<AccountsDb>({ url, applicationName: 'fieldline-accounts' });
  const closers: Array<() => Promise<unknown>> = [() => pool.end()];
  const stopAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((err) => log.error({ err }, 'stop failed'));
  };
  try {
    const ran = await migrate(db, [PLATFORM_MIGRATIONS_DIR, MIGRATIONS_DIR]);
    if (ran.length > 0) log.info({ migrations: ran }, 'migrations applied');

    const nc = await connectNats(config.natsUrl, 'fieldline-accounts');
    closers.push(() => nc.drain());
    await ensureEventStreams(nc, { prefix: config.natsPrefix });

    const relay = new OutboxRelay({ db, nc, log, databaseUrl: url });
    relay.start();
    closers.push(() => relay.stop());

    const deps: AccountsDeps = {
      db,
      outbox: new Outbox({ producer: 'accounts', prefix: config.natsPrefix }),
      log,
      clock: opts.clock ?? (() => new Date()),
      jwtSecret: config.jwtSecret,
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      refreshTokenTtlDays: config.refreshTokenTtlDays,
      invitationTtlHours: config.invitationTtlHours,
    };
    const grpc = await startGrpcServer({ port: config.grpcPort, services: accountsServices(deps), log });
    closers.push(() => grpc.shutdown());
    return { port: grpc.port, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
