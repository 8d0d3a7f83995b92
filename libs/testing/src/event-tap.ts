// Every event published under a test's NATS prefix (optionally one producer's), decoded, in stream order.
import { decodeEnvelope, type EventEnvelope, eventsStreamName } from '@fieldline/platform';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { waitFor } from './wait-for.js';

type Decoder<T> = { decode(bytes: Uint8Array): T };
type Where<T> = (payload: T, envelope: EventEnvelope) => boolean;

export class EventTap {
  readonly envelopes: EventEnvelope[] = [];
  /** The NATS subject of each envelope, same order. */
  readonly subjects: string[] = [];
  private stopped = false;

  /** Use `start`; public only so a service's harness can extend the tap with its own readers. */
  constructor(private readonly nc: NatsConnection) {}

  static async start<T extends EventTap>(
    this: new (
      nc: NatsConnection,
    ) => T,
    natsUrl: string,
    prefix: string,
    opts: { producer?: string } = {},
  ): Promise<T> {
    const nc = await connect({ servers: natsUrl, name: `${opts.producer ?? 'all'}-test-tap` });
    const tap = new this(nc);
    const consumer = await jetstream(nc).consumers.get(
      eventsStreamName(prefix),
      opts.producer ? { filter_subjects: `${prefix}.*.${opts.producer}.*` } : undefined,
    );
    const messages = await consumer.consume();
    void (async () => {
      for await (const m of messages) {
        tap.envelopes.push(decodeEnvelope(m.data));
        tap.subjects.push(m.subject);
        if (tap.stopped) break;
      }
    })();
    return tap;
  }

  /** Every event of `type` whose payload matches `where`, decoded, in publication order. */
  all<T>(type: string, decode: Decoder<T>, where: Where<T> = () => true): T[] {
    return this.matching(type, decode, where).map((e) => e.payload);
  }

  /** Waits for an event of `type` whose payload matches `where`; returns the payload. */
  next<T>(type: string, decode: Decoder<T>, where: Where<T> = () => true): Promise<T> {
    return this.nextEvent(type, decode, where).then((e) => e.payload);
  }

  /** Waits for an event of `type` whose payload matches `where`; returns the payload with its envelope. */
  nextEvent<T>(type: string, decode: Decoder<T>, where: Where<T> = () => true) {
    return waitFor(() => this.matching(type, decode, where)[0], { what: `a ${type} event`, timeoutMs: 15_000 });
  }

  /** The types of the events of one tenant, in stream order. */
  typesOf(tenantId: string): string[] {
    return this.envelopes.filter((e) => e.tenantId === tenantId).map((e) => e.type);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.nc.close();
  }

  private matching<T>(type: string, decode: Decoder<T>, where: Where<T>) {
    const found: Array<{ payload: T; envelope: EventEnvelope }> = [];
    for (const envelope of this.envelopes) {
      if (envelope.type !== type) continue;
      const payload = decode.decode(envelope.payload);
      if (where(payload, envelope)) found.push({ payload, envelope });
    }
    return found;
  }
}
