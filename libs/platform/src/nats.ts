// NATS connection and the JetStream streams events live in: `<PREFIX>_EVENTS` on `<prefix>.>` and the
// dead-letter stream `<PREFIX>_DLQ` on `<prefix>_dlq.>`, created or updated by every replica at start.
import {
  DiscardPolicy,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, type NodeConnectionOptions, nanos } from '@nats-io/transport-node';
import { DEFAULT_EVENT_PREFIX, eventPrefix } from './events.js';

export type { NatsConnection };

/**
 * Connects and keeps reconnecting for ever: a NATS restart must not take a service down, the outbox
 * relay and consumers just wait for it.
 */
export function connectNats(
  url: string,
  name: string,
  opts: Partial<NodeConnectionOptions> = {},
): Promise<NatsConnection> {
  return connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 1000, ...opts });
}

function streamPart(prefix: string): string {
  return eventPrefix(prefix).toUpperCase().replaceAll('.', '_');
}

/** `FL_EVENTS` for prefix `fl`. */
export function eventsStreamName(prefix: string = DEFAULT_EVENT_PREFIX): string {
  return `${streamPart(prefix)}_EVENTS`;
}

/** `FL_DLQ` for prefix `fl`. */
export function dlqStreamName(prefix: string = DEFAULT_EVENT_PREFIX): string {
  return `${streamPart(prefix)}_DLQ`;
}

/** `fl_dlq`: the subject root of parked messages, `fl_dlq.<consumer>.<type>`. */
export function dlqSubjectRoot(prefix: string = DEFAULT_EVENT_PREFIX): string {
  return `${eventPrefix(prefix)}_dlq`;
}

export interface EventStreamsOptions {
  prefix?: string;
  /** How long events stay in the stream (a new consumer can replay that far back). Default 7 days. */
  maxAgeMs?: number;
  /** How long parked messages stay in the dead-letter stream. Default 30 days. */
  dlqMaxAgeMs?: number;
  /** Nats-Msg-Id deduplication window: longer than any relay resend. Default 2 minutes. */
  duplicateWindowMs?: number;
  /** Stream replicas (3 in a NATS cluster). Default 1. */
  replicas?: number;
}

const DAY = 24 * 3600 * 1000;

// 10058: "stream name already in use with a different configuration".
const STREAM_NAME_IN_USE = 10058;

/** Creates the events and dead-letter streams, or brings their settings up to date; safe from every replica. */
export async function ensureEventStreams(
  nc: NatsConnection,
  opts: EventStreamsOptions = {},
): Promise<{ events: string; dlq: string }> {
  const prefix = opts.prefix ?? DEFAULT_EVENT_PREFIX;
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: opts.replicas ?? 1,
    duplicate_window: nanos(opts.duplicateWindowMs ?? 2 * 60 * 1000),
  };
  const events = eventsStreamName(prefix);
  const dlq = dlqStreamName(prefix);
  const jsm = await jetstreamManager(nc);
  for (const cfg of [
    { ...common, name: events, subjects: [`${prefix}.>`], max_age: nanos(opts.maxAgeMs ?? 7 * DAY) },
    { ...common, name: dlq, subjects: [`${dlqSubjectRoot(prefix)}.>`], max_age: nanos(opts.dlqMaxAgeMs ?? 30 * DAY) },
  ] satisfies Partial<StreamConfig>[]) {
    try {
      // Adding a stream that exists with the same configuration is accepted as is.
      await jsm.streams.add(cfg);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE)) throw err;
      const { name, storage: _fixed, ...changeable } = cfg;
      await jsm.streams.update(name, changeable);
    }
  }
  return { events, dlq };
}
