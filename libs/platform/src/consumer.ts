// Durable JetStream consumers that apply each event exactly once: the processed-event record and the
// handler's effect commit in one transaction, failures back off, poison messages are parked in the DLQ.
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiError,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { headers, type NatsConnection, nanos } from '@nats-io/transport-node';
import { type Kysely, sql, type Transaction } from 'kysely';
import { DEFAULT_EVENT_PREFIX, decodeEnvelope, type EventEnvelope, eventPrefix } from './events.js';
import type { Logger } from './logger.js';
import { dlqSubjectRoot, eventsStreamName } from './nats.js';
import { extractTraceContext, withProcessSpan } from './trace-context.js';

// biome-ignore lint/suspicious/noExplicitAny: handlers use their own service's database type
export type EventHandler = (tx: Transaction<any>, envelope: EventEnvelope, payload: Uint8Array) => Promise<void>;

export interface ConsumerOptions {
  nc: NatsConnection;
  // biome-ignore lint/suspicious/noExplicitAny: see EventHandler
  db: Kysely<any>;
  prefix?: string;
  /** Durable consumer name, shared by the service's replicas (they split the work); also the processed_events key. */
  durable: string;
  /** Subjects to receive, e.g. `eventFilter({ producer: 'jobs', type: 'job_completed' })`. */
  filterSubjects: string[];
  handle: EventHandler;
  /** Deliveries before a failing event is parked in the dead-letter stream. Default 5. */
  maxDeliver?: number;
  /** Redelivery delay after the 1st, 2nd, ... failure; the last one repeats. */
  backoffMs?: number[];
  /** How long JetStream waits for an ack before redelivering; a running handler keeps extending it. Default 30 s. */
  ackWaitMs?: number;
  /** Messages pulled ahead of the one being handled. Default 10. */
  batchSize?: number;
  /**
   * Events this replica handles at the same time, each in its own transaction. Default 1: one after the
   * other, in stream order. Above 1, events with the same `orderKey` still go one after the other in stream
   * order; only events with different keys overlap, so one slow or busy key does not hold up the others.
   */
  concurrency?: number;
  /** What has to stay in order when `concurrency` > 1. Default: the event's tenant. */
  orderKey?: (envelope: EventEnvelope) => string;
  log: Logger;
}

export interface RunningConsumer {
  /** Stops pulling, hands back prefetched messages and waits for the handlers in flight. */
  stop(): Promise<void>;
}

/** Headers of a message parked in the dead-letter stream (its data is the original envelope, unchanged). */
export const DLQ_HEADERS = {
  reason: 'Fl-Dlq-Reason',
  subject: 'Fl-Dlq-Subject',
  consumer: 'Fl-Dlq-Consumer',
  deliveries: 'Fl-Dlq-Deliveries',
  streamSequence: 'Fl-Dlq-Stream-Seq',
  eventId: 'Fl-Event-Id',
} as const;

/** `<prefix>_dlq.<durable>.<type>`: where a consumer parks an event it cannot handle. */
export function dlqSubject(prefix: string, durable: string, type: string | undefined): string {
  const safeType = type && /^[A-Za-z0-9_-]+$/.test(type) ? type : 'unknown';
  return `${dlqSubjectRoot(prefix)}.${durable}.${safeType}`;
}

/** NATS subject matching: `*` is one token, a trailing `>` one or more. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** A message's envelope, or why it is not one (it is then parked). */
type Read = { envelope: EventEnvelope } | { error: string };

function readEnvelope(m: JsMsg): Read {
  try {
    return { envelope: decodeEnvelope(m.data) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

// The handler was never reached on an earlier delivery's verdict (process died, ack timed out): give up.
class NoVerdict extends Error {
  constructor(deliveries: number) {
    super(`no result after ${deliveries} deliveries (the consumer stopped or stalled while handling it)`);
  }
}

function supportsFilterSubjects(nc: NatsConnection): boolean {
  const [major = 0, minor = 0] = (nc.info?.version ?? '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}

// 10148: "consumer already exists" (with another configuration) on servers that refuse to update by add.
const CONSUMER_EXISTS = 10148;

/**
 * Creates the durable pull consumer or updates it to `filterSubjects`. Returns the filters to apply
 * in the client when the server (< 2.10) cannot filter on several subjects itself.
 */
export async function ensureConsumer(
  nc: NatsConnection,
  opts: { prefix?: string; durable: string; filterSubjects: string[]; ackWaitMs?: number },
): Promise<{ stream: string; localFilter?: string[] }> {
  const prefix = eventPrefix(opts.prefix ?? DEFAULT_EVENT_PREFIX);
  const stream = eventsStreamName(prefix);
  if (opts.filterSubjects.length === 0) throw new Error(`consumer ${opts.durable}: no filter subjects`);
  const several = opts.filterSubjects.length > 1;
  const serverFilters = !several || supportsFilterSubjects(nc);
  const filter: Partial<ConsumerConfig> = !several
    ? { filter_subject: opts.filterSubjects[0] }
    : serverFilters
      ? { filter_subjects: opts.filterSubjects }
      : { filter_subject: `${prefix}.>` };
  const cfg: Partial<ConsumerConfig> = {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(opts.ackWaitMs ?? 30_000),
    // The server never drops a message by itself: parking it in the DLQ, with a reason, is our call.
    max_deliver: -1,
    max_ack_pending: 1000,
    ...filter,
  };
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.consumers.add(stream, cfg);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === CONSUMER_EXISTS)) throw err;
    const { durable_name: _name, ack_policy: _ack, deliver_policy: _deliver, ...changeable } = cfg;
    await jsm.consumers.update(stream, opts.durable, changeable);
  }
  return { stream, localFilter: serverFilters ? undefined : opts.filterSubjects };
}

/** Starts a durable consumer; resolves once it exists on the server. */
export async function runConsumer(opts: ConsumerOptions): Promise<RunningConsumer> {
  const { nc, db, durable, handle, log } = opts;
  const prefix = eventPrefix(opts.prefix ?? DEFAULT_EVENT_PREFIX);
  const maxDeliver = opts.maxDeliver ?? 5;
  const backoffMs = opts.backoffMs?.length ? opts.backoffMs : [1000, 5000, 30_000];
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const js = jetstream(nc);
  const { stream, localFilter } = await ensureConsumer(nc, { ...opts, prefix, ackWaitMs });

  let stopping = false;
  let messages: ConsumerMessages | undefined;
  let wakeUp: (() => void) | undefined;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
  const orderKey = opts.orderKey ?? ((envelope: EventEnvelope) => envelope.tenantId);
  const backoffFor = (deliveries: number) => backoffMs[Math.min(deliveries, backoffMs.length) - 1];

  // Acks go out on the connection; if it is gone the server redelivers later, which is harmless.
  const settle = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.warn({ err, consumer: durable }, `could not ${what} a message; it will be redelivered`);
    }
  };

  async function park(m: JsMsg, envelope: EventEnvelope | undefined, reason: string): Promise<void> {
    const deliveries = m.info.deliveryCount;
    const h = headers();
    h.set(DLQ_HEADERS.reason, reason.replace(/[\r\n]+/g, ' ').slice(0, 1000));
    h.set(DLQ_HEADERS.subject, m.subject);
    h.set(DLQ_HEADERS.consumer, durable);
    h.set(DLQ_HEADERS.deliveries, String(deliveries));
    h.set(DLQ_HEADERS.streamSequence, String(m.info.streamSequence));
    if (envelope) h.set(DLQ_HEADERS.eventId, envelope.id);
    for (const k of ['traceparent', 'tracestate']) if (m.headers?.has(k)) h.set(k, m.headers.get(k));
    const subject = dlqSubject(prefix, durable, envelope?.type);
    try {
      // Deduplicated, so a crash between this publish and term() does not park it twice.
      await js.publish(subject, m.data, { msgID: `${durable}:${m.info.streamSequence}`, headers: h });
      settle('terminate', () => m.term());
      log.error(
        { consumer: durable, subject: m.subject, eventId: envelope?.id, deliveries, reason },
        'event parked in the dead-letter stream',
      );
    } catch (err) {
      log.error(
        { err, consumer: durable, eventId: envelope?.id },
        'could not park an event in the dead-letter stream; retrying',
      );
      settle('nak', () => m.nak(backoffFor(deliveries)));
    }
  }

  async function databaseReachable(): Promise<boolean> {
    try {
      await sql`select 1`.execute(db);
      return true;
    } catch {
      return false;
    }
  }

  async function failed(m: JsMsg, envelope: EventEnvelope, err: unknown): Promise<void> {
    const deliveries = m.info.deliveryCount;
    const reason = err instanceof Error ? err.message || err.name : String(err);
    const fields = { err, consumer: durable, subject: m.subject, eventId: envelope.id, deliveries };
    // An outage is not the message's fault: keep retrying instead of parking good events.
    if (deliveries >= maxDeliver && (await databaseReachable())) return park(m, envelope, reason);
    log.warn({ ...fields, retryInMs: backoffFor(deliveries) }, 'event handler failed; will retry');
    settle('nak', () => m.nak(backoffFor(deliveries)));
  }

  async function handleMessage(m: JsMsg, read: Read): Promise<void> {
    const deliveries = m.info.deliveryCount;
    if ('error' in read) return park(m, undefined, read.error);
    const { envelope } = read;
    try {
      const parent = extractTraceContext(m.headers, envelope.traceContext);
      await withProcessSpan({ subject: m.subject, messageId: envelope.id, consumer: durable }, parent, () =>
        db.transaction().execute(async (tx) => {
          const fresh = await sql`
            insert into processed_events (consumer, event_id) values (${durable}, ${envelope.id})
            on conflict do nothing returning event_id`.execute(tx);
          if (fresh.rows.length === 0) return; // applied before; only the ack got lost
          if (deliveries > maxDeliver) throw new NoVerdict(deliveries);
          await handle(tx, envelope, envelope.payload);
        }),
      );
      settle('ack', () => m.ack());
    } catch (err) {
      await failed(m, envelope, err);
    }
  }

  // Events under way (handled or waiting for an earlier one of their key), and the last one of each key.
  const inFlight = new Set<Promise<void>>();
  const lastOfKey = new Map<string, Promise<void>>();

  /** Hands one message to its handler, after the earlier ones of its key; resolves when it is settled. */
  function dispatch(m: JsMsg): Promise<void> {
    // Another subject under the server-side catch-all (servers before 2.10): not ours, whatever it holds.
    if (localFilter && !localFilter.some((f) => subjectMatches(f, m.subject))) {
      settle('ack', () => m.ack());
      return Promise.resolve();
    }
    const read = readEnvelope(m);
    let key = '';
    if (concurrency > 1 && 'envelope' in read) {
      try {
        key = orderKey(read.envelope);
      } catch {
        // An event whose key cannot be read waits for the others without a key; its handler will say why.
      }
    }
    // Tell JetStream we are still at it (while waiting for the key too), so it is not redelivered meanwhile.
    const heartbeat = setInterval(() => settle('extend', () => m.working()), Math.max(ackWaitMs / 3, 100));
    const run = async () => {
      try {
        // Prefetched after stop(): hand back at once so another replica takes it.
        if (stopping) settle('nak', () => m.nak());
        else await handleMessage(m, read);
      } catch (err) {
        log.error({ err, consumer: durable, subject: m.subject }, 'event handling failed unexpectedly');
      } finally {
        clearInterval(heartbeat);
      }
    };
    const done = (lastOfKey.get(key) ?? Promise.resolve()).then(run);
    lastOfKey.set(key, done);
    inFlight.add(done);
    void done.then(() => {
      inFlight.delete(done);
      if (lastOfKey.get(key) === done) lastOfKey.delete(key);
    });
    return done;
  }

  async function loop(): Promise<void> {
    let retryMs = 250;
    while (!stopping && !nc.isClosed()) {
      try {
        const consumer = await js.consumers.get(stream, durable);
        messages = await consumer.consume({ max_messages: opts.batchSize ?? 10, expires: 10_000 });
        if (stopping) await messages.close();
        for await (const m of messages) {
          const handled = dispatch(m);
          if (concurrency === 1) await handled;
          else while (inFlight.size >= concurrency) await Promise.race(inFlight);
          retryMs = 250;
        }
      } catch (err) {
        if (stopping || nc.isClosed()) break;
        log.warn({ err, consumer: durable, retryInMs: retryMs }, 'consumer interrupted; resuming');
        // The consumer may have been deleted meanwhile: recreate it before pulling again.
        await ensureConsumer(nc, { ...opts, prefix, ackWaitMs }).catch(() => {});
      }
      if (stopping || nc.isClosed()) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      retryMs = Math.min(retryMs * 2, 10_000);
    }
    await Promise.all(inFlight);
  }

  const running = loop();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wakeUp?.();
        void messages?.close();
        await running;
      })();
      return stopped;
    },
  };
}
