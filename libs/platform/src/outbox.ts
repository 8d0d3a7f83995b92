// The transactional outbox: an event is written in the same PostgreSQL transaction as the change it
// describes, so both commit or neither does; the relay (outbox-relay.ts) publishes it afterwards.
import { type Kysely, sql, type Transaction } from 'kysely';
import { buildEnvelope, DEFAULT_EVENT_PREFIX, encodeEnvelope, eventPrefix, eventSubject } from './events.js';
import { currentTraceContext } from './trace-context.js';

/** NOTIFY channel the relay LISTENs on; PostgreSQL delivers the notification only on commit. */
export const OUTBOX_CHANNEL = 'fl_outbox';

export interface OutboxEvent {
  /** snake_case event name, e.g. `job_completed`. */
  type: string;
  tenantId: string;
  /** Fully-qualified protobuf type of `payload`, e.g. `fieldline.jobs.v1.JobCompleted`. */
  payloadType: string;
  payload: Uint8Array;
}

export interface OutboxOptions {
  /** The service emitting the events, e.g. `jobs`; the third subject token. */
  producer: string;
  prefix?: string;
}

export class Outbox {
  readonly producer: string;
  readonly prefix: string;

  constructor(opts: OutboxOptions) {
    this.producer = opts.producer;
    this.prefix = eventPrefix(opts.prefix ?? DEFAULT_EVENT_PREFIX);
  }

  /**
   * Records `event` in the caller's transaction and returns its id. Pass the transaction of the state
   * change: given a plain Kysely instance the event commits on its own.
   */
  // biome-ignore lint/suspicious/noExplicitAny: works with any service's database type
  async add(tx: Kysely<any> | Transaction<any>, event: OutboxEvent): Promise<string> {
    const [id] = await this.addAll(tx, [event]);
    return id as string;
  }

  /** Records several events of one change in one statement, published in this order; returns their ids. */
  // biome-ignore lint/suspicious/noExplicitAny: works with any service's database type
  async addAll(tx: Kysely<any> | Transaction<any>, events: readonly OutboxEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const traceContext = currentTraceContext();
    const ids: string[] = [];
    const rows = events.map((event) => {
      const envelope = buildEnvelope({ ...event, producer: this.producer, traceContext });
      const subject = eventSubject({
        prefix: this.prefix,
        tenantId: event.tenantId,
        producer: this.producer,
        type: event.type,
      });
      const bytes = encodeEnvelope(envelope);
      ids.push(envelope.id);
      // The identity column numbers the rows in the order of the values list: the relay keeps that order.
      return sql`(${envelope.id}, ${event.tenantId}, ${subject}, ${event.type},
                  ${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)})`;
    });
    // One round trip: the insert and the wake-up call (identical notifications in a transaction fold into one).
    await sql`
      with added as (
        insert into outbox (id, tenant_id, subject, type, envelope)
        values ${sql.join(rows)}
        returning id
      )
      select pg_notify(${OUTBOX_CHANNEL}, '') from added`.execute(tx);
    return ids;
  }
}
