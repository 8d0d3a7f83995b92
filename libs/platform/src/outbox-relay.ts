// Publishes committed outbox rows to JetStream in insert order, with Nats-Msg-Id = event id so a resend
// after a crash is dropped by the stream; wakes on NOTIFY, polls as a fallback, backs off while NATS is down.
import { jetstream } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { decodeEnvelope } from './events.js';
import type { Logger } from './logger.js';
import { OUTBOX_CHANNEL } from './outbox.js';
import { extractTraceContext, injectTraceHeaders, withPublishSpan } from './trace-context.js';

// One relay per database publishes at a time: parallel batches from two replicas would interleave
// and break the per-tenant order, so the others stand by. Advisory locks are per database.
const RELAY_LOCK = 0x666c6f62; // "flob"

export interface OutboxRelayOptions {
  // biome-ignore lint/suspicious/noExplicitAny: reads only the outbox table every service has
  db: Kysely<any>;
  nc: NatsConnection;
  log: Logger;
  /** Where to LISTEN for new rows (a dedicated connection); without it the relay only polls. */
  databaseUrl?: string;
  batchSize?: number;
  /** Poll interval when no notification arrives. Default 1 s. */
  pollMs?: number;
  /** How long to wait for JetStream's ack of one publish. Default 5 s. */
  publishTimeoutMs?: number;
  /** First and longest wait after a failure (doubling in between). Default 200 ms and 10 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Published rows older than this are deleted. Default 24 h. */
  retentionMs?: number;
  /** How often to delete them. Default 10 min. */
  pruneEveryMs?: number;
}

interface OutboxRow {
  id: string;
  subject: string;
  envelope: Buffer;
}

export class OutboxRelay {
  private readonly opts: Required<Omit<OutboxRelayOptions, 'databaseUrl'>> & { databaseUrl?: string };
  private readonly js;
  private running = false;
  private loop?: Promise<void>;
  private listening?: Promise<void>;
  private stopRequested: () => void = () => {};
  private readonly stopping = new Promise<void>((resolve) => {
    this.stopRequested = resolve;
  });
  private readonly sleepers = new Set<() => void>();
  private woken = false;
  private lastPrune = 0;

  constructor(opts: OutboxRelayOptions) {
    this.opts = {
      batchSize: 100,
      pollMs: 1000,
      publishTimeoutMs: 5000,
      minBackoffMs: 200,
      maxBackoffMs: 10_000,
      retentionMs: 24 * 3600 * 1000,
      pruneEveryMs: 10 * 60 * 1000,
      ...opts,
    };
    this.js = jetstream(opts.nc, { timeout: this.opts.publishTimeoutMs });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    if (this.opts.databaseUrl) this.listening = this.listen(this.opts.databaseUrl);
  }

  /** Stops after the batch in flight is published and marked. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopRequested();
    this.nudge();
    await Promise.all([this.loop, this.listening]);
  }

  private async run(): Promise<void> {
    const { log, batchSize, pollMs, minBackoffMs, maxBackoffMs } = this.opts;
    let backoff = 0;
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.relayBatch();
        backoff = 0;
      } catch (err) {
        backoff = Math.min(backoff ? backoff * 2 : minBackoffMs, maxBackoffMs);
        log.warn({ err, retryInMs: backoff }, 'outbox relay could not publish; retrying');
      }
      if (!this.running) break;
      if (backoff === 0) await this.pruneIfDue();
      // A full batch means more are waiting; after a failure new rows don't help, only time does.
      if (sent === batchSize) continue;
      await this.sleep(backoff || pollMs, backoff === 0);
    }
  }

  /** Publishes up to one batch in order; marks what was acknowledged even when a later one fails. */
  private async relayBatch(): Promise<number> {
    const { db, batchSize } = this.opts;
    const { sent, failure } = await db.transaction().execute(async (tx) => {
      // The lock and the rows in one round trip (every event waits for this on its way out). The uncorrelated
      // subquery is a one-time filter, evaluated once before the scan: without the lock no row comes back (a
      // standby publishes nothing), and the scan is the same ordered index scan as without it.
      const rows = await sql<OutboxRow>`
        select id, subject, envelope from outbox
        where (select pg_try_advisory_xact_lock(${RELAY_LOCK})) and published_at is null
        order by seq limit ${batchSize} for update skip locked`.execute(tx);
      const published: string[] = [];
      let failure: unknown;
      for (const row of rows.rows) {
        try {
          await this.publish(row);
          published.push(row.id);
        } catch (err) {
          failure = err; // stop here: what follows must not overtake this one
          break;
        }
      }
      if (published.length > 0) {
        await sql`update outbox set published_at = now() where id = any(${published})`.execute(tx);
      }
      return { sent: published.length, failure };
    });
    if (failure) throw failure;
    return sent;
  }

  private async publish(row: OutboxRow): Promise<void> {
    let traceContext: Record<string, string> = {};
    try {
      traceContext = decodeEnvelope(row.envelope).traceContext;
    } catch {
      // Still publish it: the consumer parks what it cannot read, with the reason, where people look.
    }
    await withPublishSpan(
      { subject: row.subject, messageId: row.id },
      extractTraceContext(undefined, traceContext),
      async () => {
        const h = headers();
        injectTraceHeaders(h);
        const ack = await this.js.publish(row.subject, row.envelope, { msgID: row.id, headers: h });
        if (ack.duplicate) this.opts.log.debug({ eventId: row.id }, 'event was already in the stream');
      },
    );
  }

  private async pruneIfDue(): Promise<void> {
    const { db, log, retentionMs, pruneEveryMs } = this.opts;
    if (Date.now() - this.lastPrune < pruneEveryMs) return;
    this.lastPrune = Date.now();
    try {
      const before = new Date(Date.now() - retentionMs);
      // In slices, so a long backlog never holds one huge delete.
      for (;;) {
        const res = await sql`
          delete from outbox where id in (
            select id from outbox where published_at < ${before} limit 5000)`.execute(db);
        if (Number(res.numAffectedRows ?? 0) < 5000 || !this.running) break;
      }
    } catch (err) {
      log.warn({ err }, 'could not delete old published outbox rows');
    }
  }

  /** LISTENs on its own connection, reconnecting when it drops; polling covers the gaps. */
  private async listen(url: string): Promise<void> {
    const { log, pollMs, maxBackoffMs } = this.opts;
    while (this.running) {
      const client = new pg.Client({
        connectionString: url,
        application_name: 'outbox-relay-listen',
        connectionTimeoutMillis: 10_000,
      });
      try {
        const lost = new Promise<void>((resolve) => {
          client.on('error', (err) => {
            if (this.running) log.warn({ err }, 'outbox LISTEN connection failed; polling until it is back');
            resolve();
          });
          client.on('end', () => resolve());
        });
        client.on('notification', () => this.nudge());
        // Ending a client while it connects can hang, so stop() waits for the connection to settle.
        await client.connect();
        await client.query(`listen ${OUTBOX_CHANNEL}`);
        this.nudge(); // rows committed while we were not listening
        await Promise.race([lost, this.stopping]);
      } catch (err) {
        if (this.running) log.warn({ err }, 'could not LISTEN for outbox rows; polling until it works');
      } finally {
        await client.end().catch(() => {});
      }
      if (this.running) await this.sleep(Math.max(pollMs, Math.min(5000, maxBackoffMs)), false);
    }
  }

  private nudge(): void {
    this.woken = true;
    for (const wake of [...this.sleepers]) wake();
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        if (wakeable) this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // A notification ends a poll wait; only stop() ends a back-off wait.
      const wake = () => {
        if (wakeable || !this.running) done();
      };
      this.sleepers.add(wake);
    });
  }
}
