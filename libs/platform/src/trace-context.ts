// Carries the OpenTelemetry trace across the outbox and NATS by hand (W3C traceparent): into the envelope
// when the change commits, into NATS headers when the relay publishes, back out when a consumer handles it.
import type { MsgHdrs } from '@nats-io/transport-node';
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

const tracer = () => trace.getTracer('@fieldline/platform');

/** Runs `fn` outside any trace: for work done once on behalf of many traced requests (a batched call). */
export function outsideTraces<T>(fn: () => T): T {
  return context.with(ROOT_CONTEXT, fn);
}

/** The active trace context as a carrier (`traceparent`, `tracestate`); empty when nothing is traced. */
export function currentTraceContext(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function injectTraceHeaders(headers: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, { set: (h, k, v) => h.set(k, v) });
}

/** The context NATS headers carry, else the one stored in the envelope, else none. */
export function extractTraceContext(headers: MsgHdrs | undefined, fallback: Record<string, string> = {}): Context {
  if (headers?.has('traceparent')) {
    return propagation.extract(ROOT_CONTEXT, headers, {
      get: (h, k) => (h.has(k) ? h.get(k) : undefined),
      keys: (h) => h.keys(),
    });
  }
  return propagation.extract(ROOT_CONTEXT, fallback);
}

export interface MessagingSpan {
  subject: string;
  messageId: string;
  /** The durable consumer handling it (process spans only). */
  consumer?: string;
}

async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  attributes: Record<string, string>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/** Runs a relay publish as a child of the change that produced the event (`<subject> publish`). */
export function withPublishSpan<T>(m: MessagingSpan, parent: Context, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(
    `${m.subject} publish`,
    SpanKind.PRODUCER,
    parent,
    {
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.destination.name': m.subject,
      'messaging.message.id': m.messageId,
    },
    fn,
  );
}

/** Runs a consumer's handler in a child span of the published event (`<subject> process`). */
export function withProcessSpan<T>(m: MessagingSpan, parent: Context, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(
    `${m.subject} process`,
    SpanKind.CONSUMER,
    parent,
    {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': m.subject,
      'messaging.message.id': m.messageId,
      ...(m.consumer ? { 'messaging.consumer.group.name': m.consumer } : {}),
    },
    fn,
  );
}
