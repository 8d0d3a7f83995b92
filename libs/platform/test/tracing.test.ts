import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { type RunningConsumer, runConsumer } from '../src/consumer.js';
import { eventFilter } from '../src/events.js';
import { Outbox } from '../src/outbox.js';
import { OutboxRelay } from '../src/outbox-relay.js';
import { log, streamEnvelopes, type TestDb, type TestNats, testDb, testNats } from './helpers.js';

describe('trace context across the outbox and NATS', () => {
  const exporter = new InMemorySpanExporter();
  let pg: TestDb;
  let nats: TestNats;
  let relay: OutboxRelay;
  let consumer: RunningConsumer;

  beforeAll(async () => {
    // What startTelemetry's NodeSDK sets up in a service, with spans kept in memory.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
    pg = await testDb('tracing');
    nats = await testNats();
    relay = new OutboxRelay({ db: pg.db, nc: nats.nc, log, databaseUrl: pg.url });
    relay.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await nats?.close();
    await pg?.close();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('runs the handler in a child span of the request that made the change', async () => {
    const seenByHandler: string[] = [];
    consumer = await runConsumer({
      nc: nats.nc,
      db: pg.db,
      prefix: nats.prefix,
      durable: 'traced',
      filterSubjects: [eventFilter({ prefix: nats.prefix })],
      handle: async () => {
        seenByHandler.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
      },
      log,
    });
    const outbox = new Outbox({ producer: 'widgets', prefix: nats.prefix });

    const traceId = await trace.getTracer('test').startActiveSpan('POST /widgets', async (request) => {
      await pg.db
        .transaction()
        .execute((tx) =>
          outbox.add(tx, { type: 'widget_created', tenantId: 't_1', payloadType: 'x', payload: new Uint8Array() }),
        );
      request.end();
      return request.spanContext().traceId;
    });

    await waitFor(() => seenByHandler.length > 0, { timeoutMs: 20_000, what: 'the handler' });
    const subject = `${nats.prefix}.t_1.widgets.widget_created`;
    const spans = await waitFor(() => {
      const all = exporter.getFinishedSpans();
      return all.some((s) => s.name === `${subject} process`) ? all : undefined;
    });
    const byName = new Map(spans.map((s) => [s.name, s]));
    const request = byName.get('POST /widgets');
    const publish = byName.get(`${subject} publish`);
    const process = byName.get(`${subject} process`);
    const [envelope] = await streamEnvelopes(nats.nc, nats.events);

    expect(seenByHandler).toEqual([traceId]);
    expect(envelope?.traceContext.traceparent).toContain(traceId);
    expect(publish?.kind).toBe(SpanKind.PRODUCER);
    expect(publish?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(process?.kind).toBe(SpanKind.CONSUMER);
    expect(process?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
    expect(process?.spanContext().traceId).toBe(traceId);
    expect(process?.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': subject,
      'messaging.message.id': envelope?.id,
      'messaging.consumer.group.name': 'traced',
    });
  });
});
