// Builds the location service from its configuration: database and migrations, track partitions, the engine
// loaded from the database, NATS (streams, live feed, consumers), the ingest pipeline, the gRPC server.
// Nothing happens on import; `stop` stops taking pings, flushes everything, then undoes the rest in reverse order.
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
import { type AccountsClients, createAccountsClients } from './clients/accounts.js';
import { WorkersDirectory } from './clients/workers-directory.js';
import type { LocationConfig } from './config.js';
import { LocationEngine } from './domain/engine.js';
import { DEFAULT_STREAM_OPTIONS, type StreamOptions } from './domain/worker-stream.js';
import { startAccountsConsumer } from './events/accounts-consumer.js';
import { startJobsConsumer } from './events/jobs-consumer.js';
import { PRODUCER } from './events/location-events.js';
import type { LocationDeps } from './grpc/deps.js';
import { locationServices } from './grpc/services.js';
import { DeviceAuth } from './ingest/device-auth.js';
import { Flusher } from './ingest/flusher.js';
import { IngestPipeline } from './ingest/ingest-pipeline.js';
import { PingStreams } from './ingest/ping-stream.js';
import { LivePublisher } from './live/live-publisher.js';
import { LiveSubscriber } from './live/live-subscriber.js';
import type { LocationDb } from './store/schema.js';
import { TrackPartitions } from './store/track-partitions.js';
import { StateSync } from './sync/state-sync.js';

export const MIGRATIONS_DIR = new URL('../migrations', import.meta.url).pathname;

/** How often partitions are created ahead and old ones dropped. */
const PARTITION_CHORES_MS = 3600_000;

export interface RunningLocation {
  port: number;
  /** The engine and the pieces around it (tests look inside; benchmarks read the pipeline's stats). */
  engine: LocationEngine;
  pipeline: IngestPipeline;
  partitions: TrackPartitions;
  live: LivePublisher;
  db: Kysely<LocationDb>;
  stop(): Promise<void>;
}

export async function startLocation(opts: {
  config: LocationConfig;
  log?: Logger;
  clock?: () => Date;
  /** Overrides config.accountsAddr (tests start accounts on a free port). */
  accountsAddr?: string;
  /** Live positions per worker at most once per this many ms (default 1000). */
  liveIntervalMs?: number;
}): Promise<RunningLocation> {
  const { config } = opts;
  const log = opts.log ?? createLogger('location');
  const clock = opts.clock ?? (() => new Date());
  const now = () => clock().getTime();
  const url = databaseUrl(config.databaseUrl, config.databaseName);

  await ensureDatabase(config.databaseUrl, config.databaseName);
  const { db, pool } = createDb<LocationDb>({ url, applicationName: 'fieldline-location', maxConnections: 20 });
  const closers: Array<() => Promise<unknown>> = [() => pool.end()];
  const stopAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((err) => log.error({ err }, 'stop failed'));
  };
  try {
    // migrate() is typed for Kysely<unknown>, which a typed Kysely is not assignable to.
    const ran = await migrate(db as unknown as Kysely<unknown>, [PLATFORM_MIGRATIONS_DIR, MIGRATIONS_DIR]);
    if (ran.length > 0) log.info({ migrations: ran }, 'migrations applied');

    const partitions = new TrackPartitions(db, config.trackRetentionDays);
    const dropped = await partitions.maintain(now());
    if (dropped.length > 0) log.info({ dropped }, 'track partitions past the retention dropped');
    const chores = setInterval(() => {
      partitions
        .maintain(now())
        .then(
          (names) => names.length > 0 && log.info({ dropped: names }, 'track partitions past the retention dropped'),
        )
        .catch((err) => log.warn({ err }, 'track partition chores failed; retrying later'));
    }, PARTITION_CHORES_MS);
    chores.unref();
    closers.push(async () => clearInterval(chores));

    const streamOptions: StreamOptions = { ...DEFAULT_STREAM_OPTIONS, gapTimeoutSeconds: config.gapTimeoutSeconds };
    const engine = new LocationEngine({ stream: streamOptions });
    const state = new StateSync(db, engine, log, url);
    await state.start();
    closers.push(() => state.stop());

    const nc = await connectNats(config.natsUrl, 'fieldline-location');
    closers.push(() => nc.drain());
    await ensureEventStreams(nc, { prefix: config.natsPrefix });

    const relay = new OutboxRelay({ db, nc, log, databaseUrl: url });
    relay.start();
    closers.push(() => relay.stop());

    const live = new LivePublisher(nc, config.liveSubjectPrefix, log, { intervalMs: opts.liveIntervalMs, now });
    live.start();
    closers.push(() => live.stop());
    const subscriber = new LiveSubscriber(nc, config.liveSubjectPrefix, engine, log, {
      now,
      isInactive: (t, w) => state.isInactive(t, w),
    });
    subscriber.start();
    closers.push(() => subscriber.stop());

    const accounts: AccountsClients = createAccountsClients(opts.accountsAddr ?? config.accountsAddr);
    closers.push(async () => accounts.close());

    const flusher = new Flusher({
      db,
      engine,
      outbox: new Outbox({ producer: PRODUCER, prefix: config.natsPrefix }),
      partitions,
      streamOptions,
      clock,
      log,
      isInactive: (t, w) => state.isInactive(t, w),
    });
    const pipeline = new IngestPipeline(flusher, log, { maxBatch: config.ingestMaxBatch, now }, (outcome) => {
      for (const { tenantId, position } of outcome.positions) live.offer(tenantId, position);
    });
    pipeline.start();
    // Runs before the live publisher stops (closers run in reverse): the last flush's positions still go out.
    closers.push(() => pipeline.stop());

    for (const start of [startAccountsConsumer, startJobsConsumer]) {
      const consumer = await start({ nc, db, prefix: config.natsPrefix, log, clock });
      closers.push(() => consumer.stop());
    }

    const streams = new PingStreams();
    const deps: LocationDeps = {
      db,
      engine,
      pipeline,
      streams,
      deviceAuth: new DeviceAuth(accounts.identity, now),
      directory: new WorkersDirectory(db, accounts.directory, log, clock),
      state,
      log,
      clock,
      maxBatch: config.ingestMaxBatch,
    };
    const grpc = await startGrpcServer({ port: config.grpcPort, services: locationServices(deps), log });
    closers.push(() => grpc.shutdown());
    // First at stop: phones get the acks of what they sent, then their streams end and they reconnect elsewhere.
    closers.push(() => streams.drainAll());
    return { port: grpc.port, engine, pipeline, partitions, live, db, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
