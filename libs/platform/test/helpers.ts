// Shared set-up of the platform's integration tests: a migrated fresh database, NATS with a unique
// prefix and its streams, and a way to read back everything a stream holds.
import { freshDatabase, testNatsUrl, uniquePrefix } from '@fieldline/testing';
import { jetstreamManager, type StoredMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { createDb, migrate, PLATFORM_MIGRATIONS_DIR } from '../src/db.js';
import { decodeEnvelope, type EventEnvelope } from '../src/events.js';
import { createLogger } from '../src/logger.js';
import { connectNats, ensureEventStreams } from '../src/nats.js';

export const log = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

// biome-ignore lint/suspicious/noExplicitAny: test tables are created ad hoc
export type AnyDb = Kysely<any>;

export interface TestDb {
  url: string;
  db: AnyDb;
  pool: pg.Pool;
  /** Another pool on the same database (a second replica), closed with the rest. */
  open(applicationName: string): { db: AnyDb; pool: pg.Pool };
  close(): Promise<void>;
}

/** A fresh database with the platform tables and a `widgets` table standing for a service's own state. */
export async function testDb(label: string): Promise<TestDb> {
  const fresh = await freshDatabase(label);
  const pools: pg.Pool[] = [];
  const open = (applicationName: string) => {
    const made = createDb<unknown>({ url: fresh.url, applicationName, maxConnections: 5 });
    // pg emits 'error' on a checked-out client whose connection dies between two queries (a relay
    // waiting on NATS inside its transaction, a handler awaiting); unheard, that kills the process.
    // The next query on it fails instead, which rolls the transaction back (createDb does this too).
    made.pool.on('connect', (client) => client.on('error', () => {}));
    pools.push(made.pool);
    return made as { db: AnyDb; pool: pg.Pool };
  };
  const { db, pool } = open('test');
  await migrate(db, [PLATFORM_MIGRATIONS_DIR]);
  await sql`create table widgets (id text primary key, tenant_id text not null, name text not null)`.execute(db);
  await sql`create table effects (event_id text not null, consumer text not null, note text)`.execute(db);
  return {
    url: fresh.url,
    db,
    pool,
    open,
    close: async () => {
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
      await fresh.drop();
    },
  };
}

export interface TestNats {
  nc: NatsConnection;
  prefix: string;
  events: string;
  dlq: string;
  close(): Promise<void>;
}

/** A connection to the test NATS server and this test's own event and dead-letter streams. */
export async function testNats(url?: string): Promise<TestNats> {
  const nc = await connectNats(url ?? (await testNatsUrl()), 'platform-test', { reconnectTimeWait: 100 });
  const prefix = uniquePrefix();
  const { events, dlq } = await ensureEventStreams(nc, { prefix });
  return {
    nc,
    prefix,
    events,
    dlq,
    close: async () => {
      const jsm = await jetstreamManager(nc, { timeout: 1000 });
      await jsm.streams.delete(events).catch(() => {});
      await jsm.streams.delete(dlq).catch(() => {});
      await nc.close();
    },
  };
}

/** Every message a stream holds, in stream order. */
export async function streamMessages(nc: NatsConnection, stream: string): Promise<StoredMsg[]> {
  const jsm = await jetstreamManager(nc, { timeout: 1000 });
  const { state } = await jsm.streams.info(stream);
  const out: StoredMsg[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m) out.push(m);
  }
  return out;
}

export async function streamEnvelopes(nc: NatsConnection, stream: string): Promise<EventEnvelope[]> {
  return (await streamMessages(nc, stream)).map((m) => decodeEnvelope(m.data));
}

export async function streamCount(nc: NatsConnection, stream: string): Promise<number> {
  const jsm = await jetstreamManager(nc, { timeout: 1000 });
  return (await jsm.streams.info(stream)).state.messages;
}

/** Whether a durable consumer has nothing left to deliver and nothing waiting for an ack. */
export async function consumerDrained(nc: NatsConnection, stream: string, durable: string): Promise<boolean> {
  const jsm = await jetstreamManager(nc, { timeout: 1000 });
  const info = await jsm.consumers.info(stream, durable);
  return info.num_pending === 0 && info.num_ack_pending === 0 && info.num_redelivered === 0;
}
