// Event subjects (`<prefix>.<tenant>.<producer>.<type>`), the protobuf envelope events travel in, and
// the checks a received envelope must pass before a handler sees it.
import { eventsEnvelope } from '@fieldline/proto';
import { newId } from './ids.js';

export type EventEnvelope = eventsEnvelope.EventEnvelope;

/** Subject prefix of production events; tests use their own so they never see each other's. */
export const DEFAULT_EVENT_PREFIX = 'fl';

// One subject token: no dots, spaces or wildcards, so a tenant id can never widen a subscription.
const TOKEN = /^[A-Za-z0-9_-]+$/;
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

function token(what: string, value: string): string {
  if (!TOKEN.test(value))
    throw new Error(`${what} "${value}" is not a valid subject token (letters, digits, _ and - only)`);
  return value;
}

/** Checks an event subject prefix (`fl`, `t1a2b3c4d`, `fl.staging`) and returns it. */
export function eventPrefix(prefix: string = DEFAULT_EVENT_PREFIX): string {
  if (!PREFIX.test(prefix)) throw new Error(`event prefix "${prefix}" is not a valid subject prefix`);
  return prefix;
}

export interface SubjectParts {
  prefix?: string;
  tenantId: string;
  producer: string;
  type: string;
}

/** `fl.t_42.jobs.job_completed`: where one event is published. */
export function eventSubject(parts: SubjectParts): string {
  const { prefix, tenantId, producer, type } = parts;
  return `${eventPrefix(prefix)}.${token('tenant id', tenantId)}.${token('producer', producer)}.${token('event type', type)}`;
}

/** A consumer filter; a part left out matches any value, e.g. `{ producer: 'jobs' }` → `fl.*.jobs.*`. */
export function eventFilter(parts: Partial<SubjectParts> = {}): string {
  const part = (what: string, v: string | undefined) => (v === undefined ? '*' : token(what, v));
  return [
    eventPrefix(parts.prefix),
    part('tenant id', parts.tenantId),
    part('producer', parts.producer),
    part('event type', parts.type),
  ].join('.');
}

export interface NewEvent {
  type: string;
  tenantId: string;
  producer: string;
  /** Fully-qualified protobuf type of `payload`, e.g. `fieldline.accounts.v1.UserChanged`. */
  payloadType: string;
  payload: Uint8Array;
  traceContext?: Record<string, string>;
}

/** A new envelope: fresh sortable id (`evt_` + UUIDv7), occurred now. */
export function buildEnvelope(event: NewEvent): EventEnvelope {
  token('event type', event.type);
  token('tenant id', event.tenantId);
  token('producer', event.producer);
  const { payload } = event;
  return {
    id: newId('evt'),
    type: event.type,
    tenantId: event.tenantId,
    occurredAt: new Date(),
    producer: event.producer,
    traceContext: { ...event.traceContext },
    payloadType: event.payloadType,
    payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
  };
}

export function encodeEnvelope(envelope: EventEnvelope): Uint8Array {
  return eventsEnvelope.EventEnvelope.encode(envelope).finish();
}

/** Why a received message can never be handled; the consumer parks it in the dead-letter stream at once. */
export class InvalidEnvelope extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidEnvelope';
  }
}

/** Decodes and validates a received envelope; throws InvalidEnvelope when it is not one we can handle. */
export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  let envelope: EventEnvelope;
  try {
    envelope = eventsEnvelope.EventEnvelope.decode(bytes);
  } catch (err) {
    throw new InvalidEnvelope(`undecodable event envelope: ${(err as Error).message}`, { cause: err });
  }
  validateEnvelope(envelope);
  return envelope;
}

export function validateEnvelope(envelope: EventEnvelope): void {
  const missing = (['id', 'type', 'tenantId'] as const).filter((k) => !envelope[k]);
  if (missing.length > 0) throw new InvalidEnvelope(`event envelope lacks ${missing.join(', ')}`);
}
