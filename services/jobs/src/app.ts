// Builds the jobs service from its configuration: database and migrations, NATS streams, outbox relay, the
// accounts-events and location-events consumers, the delay checker and reminder scheduler, the gRPC server.
// Nothing happens on import; `stop` undoes it all in reverse order.
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
import type { Kysely } from 'kysely';
import type { BlobStore } from './blob/blob-store.js';
import { createBlobStore } from './blob/create-blob-store.js';
import { createDirectoryClient, Directory } from './clients/directory.js';
import { createLocationClient, type LocationClient } from './clients/location.js';
import type { JobsConfig } from './config.js';
import { startDirectoryConsumer } from './events/directory-consumer.js';
import { startLocationConsumer } from './events/location-consumer.js';
import type { JobsDeps } from './grpc/deps.js';
import { jobsServices } from './grpc/services.js';
import type { JobsDb } from './store/schema.js';
import { startDelayChecker } from './workers/delay-checker.js';
import { startReminderScheduler } from './workers/reminder-scheduler.js';

export const MIGRATIONS_DIR = new URL('../migrations', import.meta.url).pathname;

export interface RunningJobs {
  port: number;
  /** The dependencies the handlers run on (tests call workers such as checkDelays with them). */
  deps: JobsDeps;
  stop(): Promise<void>;
}

export async function startJobs(opts: {
  config: JobsConfig;
  log?: Logger;
  clock?: () => Date;
  /** Overrides config.accountsAddr (tests start accounts on a free port). */
  accountsAddr?: string;
  /** Overrides the configured blob store / location client (tests). */
  blobStore?: BlobStore;
  location?: LocationClient;
  /** Run the periodic delay checker (default true; tests call checkDelays themselves). */
  delayChecker?: boolean;
}): Promise<RunningJobs> {
  const { config } = opts;
  const log = opts.log ?? createLogger('jobs');
  const clock = opts.clock ?? (() => new Date());
  const url = databaseUrl(config.databaseUrl, config.databaseName);

  await ensureDatabase(config.databaseUrl, config.databaseName);
  const { db, pool } = createDb<JobsDb>({ url, applicationName: 'fieldline-jobs', maxConnections: 20 });
  const closers: Array<() => Promise<unknown>> = [() => pool.end()];
  const stopAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((err) => log.error({ err }, 'stop failed'));
  };
  try {
    // migrate() is typed for Kysely<unknown>, which a typed Kysely is not assignable to.
    const ran = await migrate(db as unknown as Kysely<unknown>, [PLATFORM_MIGRATIONS_DIR, MIGRATIONS_DIR]);
    if (ran.length > 0) log.info({ migrations: ran }, 'migrations applied');

    const nc = await connectNats(config.natsUrl, 'fieldline-jobs');
    closers.push(() => nc.drain());
    await ensureEventStreams(nc, { prefix: config.natsPrefix });

    const relay = new OutboxRelay({ db, nc, log, databaseUrl: url });
    relay.start();
    closers.push(() => relay.stop());

    // The directory has its own few connections: commands consult it while holding a transaction of the main
    // pool, and must never wait for a second connection of that same pool (50 parallel creates would deadlock).
    const dirDb = createDb<JobsDb>({ url, applicationName: 'fieldline-jobs-directory', maxConnections: 5 });
    closers.push(() => dirDb.pool.end());
    const directory = new Directory(
      dirDb.db,
      createDirectoryClient(opts.accountsAddr ?? config.accountsAddr),
      log,
      clock,
    );
    closers.push(async () => directory.close());

    // Without a location service auto-assign has only its first rule (the customer's coworkers).
    const location = opts.location ?? (config.locationAddr ? createLocationClient(config.locationAddr) : undefined);
    if (location) closers.push(async () => location.close());

    const deps: JobsDeps = {
      db,
      outbox: new Outbox({ producer: 'jobs', prefix: config.natsPrefix }),
      directory,
      blobStore:
        opts.blobStore ??
        createBlobStore(
          config.blobDriver === 's3'
            ? {
                driver: 's3',
                s3: {
                  endpoint: config.s3Endpoint,
                  bucket: config.s3Bucket,
                  region: config.s3Region,
                  accessKeyId: config.s3AccessKeyId,
                  secretAccessKey: config.s3SecretAccessKey,
                  forcePathStyle: config.s3ForcePathStyle,
                },
              }
            : { driver: 'local', localDir: config.blobDir },
        ),
      log,
      clock,
      config,
      location,
    };

    const consumer = await startDirectoryConsumer({ nc, db, prefix: config.natsPrefix, log, clock });
    closers.push(() => consumer.stop());
    const locationConsumer = await startLocationConsumer({ nc, prefix: config.natsPrefix, deps });
    closers.push(() => locationConsumer.stop());

    if (opts.delayChecker ?? true) {
      const checker = startDelayChecker(deps, config.delayCheckIntervalMs);
      closers.push(() => checker.stop());
    }
    const reminders = startReminderScheduler(deps, { intervalMs: config.reminderIntervalMs });
    closers.push(() => reminders.stop());

    const grpc = await startGrpcServer({ port: config.grpcPort, services: jobsServices(deps), log });
    closers.push(() => grpc.shutdown());
    return { port: grpc.port, deps, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
