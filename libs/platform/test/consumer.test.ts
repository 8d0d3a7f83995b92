import { testNatsUrl, waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import { sql } from 'kysely';
import { DLQ_HEADERS, type EventHandler, type RunningConsumer, runConsumer } from '../src/consumer.js';
import { buildEnvelope, type EventEnvelope, encodeEnvelope, eventFilter, eventSubject } from '../src/events.js';
import { connectNats } from '../src/nats.js';
import {
  type AnyDb,
  consumerDrained,
  log,
  streamMessages,
  type TestDb,
  type TestNats,
  testDb,
  testNats,
} from './helpers.js';

describe('event consumer', () => {
  let pg: TestDb;
  let nats: TestNats;
  const running: RunningConsumer[] = [];

  beforeAll(async () => {
    pg = await testDb('consumer');
    nats = await testNats();
  });

  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await nats?.close();
    await pg?.close();
  });

  function event(type: string, tenantId = 't_1'): EventEnvelope {
    return buildEnvelope({
      type,
      tenantId,
      producer: 'widgets',
      payloadType: 'test.Note',
      payload: new TextEncoder().encode(type),
    });
  }

  async function publish(envelope: EventEnvelope, msgID = envelope.id): Promise<void> {
    const subject = eventSubject({
      prefix: nats.prefix,
      tenantId: envelope.tenantId,
      producer: envelope.producer,
      type: envelope.type,
    });
    await jetstream(nats.nc).publish(subject, encodeEnvelope(envelope), { msgID });
  }

  async function start(
    durable: string,
    type: string,
    handle: EventHandler,
    extra: { db?: AnyDb; nc?: typeof nats.nc } = {},
  ) {
    const consumer = await runConsumer({
      nc: extra.nc ?? nats.nc,
      db: extra.db ?? pg.db,
      prefix: nats.prefix,
      durable,
      filterSubjects: [eventFilter({ prefix: nats.prefix, type })],
      handle,
      maxDeliver: 3,
      backoffMs: [20, 50],
      ackWaitMs: 1000,
      log,
    });
    running.push(consumer);
    return consumer;
  }

  // The handler's effect: one row per application, written in the consumer's transaction.
  const applyEffect =
    (durable: string): EventHandler =>
    async (tx, envelope, payload) => {
      await sql`insert into effects (event_id, consumer, note) values (${envelope.id}, ${durable}, ${new TextDecoder().decode(payload)})`.execute(
        tx,
      );
    };

  async function effects(durable: string) {
    const res = await sql<{
      event_id: string;
      note: string;
    }>`select event_id, note from effects where consumer = ${durable}`.execute(pg.db);
    return res.rows;
  }

  it('applies an event delivered twice only once', async () => {
    await start('notes', 'note_added', applyEffect('notes'));
    const envelope = event('note_added');

    await publish(envelope, 'first-send');
    await publish(envelope, 'second-send'); // a different Nats-Msg-Id: the stream keeps both copies

    await waitFor(() => consumerDrained(nats.nc, nats.events, 'notes'), {
      timeoutMs: 20_000,
      what: 'both copies handled',
    });
    expect(await effects('notes')).toEqual([{ event_id: envelope.id, note: 'note_added' }]);
  });

  it('applies an event exactly once when a consumer dies between its effect and its commit', async () => {
    const { db: dyingDb } = pg.open('dying-consumer');
    const dyingNc = await connectNats(await testNatsUrl(), 'dying');
    let reachedEffect!: () => void;
    const reached = new Promise<void>((r) => {
      reachedEffect = r;
    });
    let release!: (err: Error) => void;
    const never = new Promise<void>((_, reject) => {
      release = reject;
    });
    const dying = await start(
      'crashy',
      'crash_tested',
      async (tx, envelope, payload) => {
        await applyEffect('crashy')(tx, envelope, payload);
        reachedEffect();
        await never; // "the process dies" here, before the commit
      },
      { db: dyingDb, nc: dyingNc },
    );
    const envelope = event('crash_tested');
    await publish(envelope);
    await reached;

    // The process is gone: its NATS connection drops and PostgreSQL ends its session (rolling back).
    await dyingNc.close();
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'dying-consumer'`.execute(
      pg.db,
    );
    await start('crashy', 'crash_tested', applyEffect('crashy'));

    await waitFor(async () => (await effects('crashy')).length > 0 && consumerDrained(nats.nc, nats.events, 'crashy'), {
      timeoutMs: 30_000,
      what: 'the redelivered event handled by the new consumer',
    });
    expect(await effects('crashy')).toEqual([{ event_id: envelope.id, note: 'crash_tested' }]);
    release(new Error('the old process is gone'));
    await dying.stop();
  });

  it('parks an event whose handler keeps failing in the dead-letter stream, with the reason', async () => {
    let attempts = 0;
    await start('fragile', 'poison_sent', async () => {
      attempts++;
      throw new Error('widget 42 has no owner');
    });
    const envelope = event('poison_sent');

    await publish(envelope);

    const [parked] = await waitFor(
      async () => streamMessages(nats.nc, nats.dlq).then((m) => (m.length ? m : undefined)),
      {
        timeoutMs: 20_000,
        what: 'a message in the dead-letter stream',
      },
    );
    expect(parked?.subject).toBe(`${nats.prefix}_dlq.fragile.poison_sent`);
    expect(parked?.header.get(DLQ_HEADERS.reason)).toBe('widget 42 has no owner');
    expect(parked?.header.get(DLQ_HEADERS.consumer)).toBe('fragile');
    expect(parked?.header.get(DLQ_HEADERS.subject)).toBe(`${nats.prefix}.t_1.widgets.poison_sent`);
    expect(parked?.header.get(DLQ_HEADERS.deliveries)).toBe('3');
    expect(parked?.header.get(DLQ_HEADERS.eventId)).toBe(envelope.id);
    expect(Buffer.from(parked!.data)).toEqual(Buffer.from(encodeEnvelope(envelope)));
    expect(attempts).toBe(3);
    await waitFor(() => consumerDrained(nats.nc, nats.events, 'fragile'), { what: 'the poison message terminated' });
  });

  it('parks a message that is not an event envelope at once, without calling the handler', async () => {
    let calls = 0;
    await start('picky', 'garbled', async () => {
      calls++;
    });
    const dlqBefore = (await streamMessages(nats.nc, nats.dlq)).length;

    await jetstream(nats.nc).publish(`${nats.prefix}.t_1.widgets.garbled`, new Uint8Array([0xff, 0xff, 0xff]));
    await jetstream(nats.nc).publish(
      `${nats.prefix}.t_1.widgets.garbled`,
      encodeEnvelope({ ...event('garbled'), id: '' }), // decodes, but has no id to deduplicate on
    );

    const parked = await waitFor(
      async () =>
        streamMessages(nats.nc, nats.dlq).then((m) => (m.length >= dlqBefore + 2 ? m.slice(dlqBefore) : undefined)),
      { timeoutMs: 20_000, what: 'two messages in the dead-letter stream' },
    );
    expect(parked.map((m) => m.header.get(DLQ_HEADERS.reason))).toEqual([
      expect.stringMatching(/^undecodable event envelope/),
      'event envelope lacks id',
    ]);
    expect(parked.map((m) => m.header.get(DLQ_HEADERS.deliveries))).toEqual(['1', '1']);
    expect(parked[0]?.subject).toBe(`${nats.prefix}_dlq.picky.unknown`);
    expect(calls).toBe(0);
  });

  it('handles events of different keys side by side and those of one key one after the other, in order', async () => {
    const order: string[] = [];
    let bStarted!: () => void;
    const bSeen = new Promise<void>((r) => {
      bStarted = r;
    });
    running.push(
      await runConsumer({
        nc: nats.nc,
        db: pg.db,
        prefix: nats.prefix,
        durable: 'side-by-side',
        filterSubjects: [eventFilter({ prefix: nats.prefix, type: 'paced' })],
        concurrency: 4,
        handle: async (_tx, _envelope, payload) => {
          const name = new TextDecoder().decode(payload);
          order.push(`start ${name}`);
          if (name === 'b1') bStarted();
          // a1 only finishes once b1 (another tenant, published after a2 and a3) has started.
          if (name === 'a1') {
            let timer: NodeJS.Timeout | undefined;
            const late = new Promise<void>((r) => {
              timer = setTimeout(() => {
                order.push('b1 never came');
                r();
              }, 5000);
            });
            await Promise.race([bSeen, late]);
            clearTimeout(timer);
          }
          await new Promise((r) => setTimeout(r, 20));
          order.push(`end ${name}`);
        },
        log,
      }),
    );
    const paced = (name: string, tenantId: string) => ({
      ...event('paced', tenantId),
      payload: Buffer.from(name),
    });

    for (const [name, tenant] of [
      ['a1', 't_a'],
      ['a2', 't_a'],
      ['a3', 't_a'],
      ['b1', 't_b'],
    ]) {
      await publish(paced(name, tenant));
    }

    await waitFor(() => consumerDrained(nats.nc, nats.events, 'side-by-side'), {
      timeoutMs: 20_000,
      what: 'all handled',
    });
    expect(order).not.toContain('b1 never came');
    expect(order.indexOf('start b1')).toBeLessThan(order.indexOf('end a1'));
    expect(order.filter((l) => l.endsWith('a1') || l.endsWith('a2') || l.endsWith('a3'))).toEqual([
      'start a1',
      'end a1',
      'start a2',
      'end a2',
      'start a3',
      'end a3',
    ]);
  });

  it('receives only its subjects when it filters on several', async () => {
    const seen: string[] = [];
    running.push(
      await runConsumer({
        nc: nats.nc,
        db: pg.db,
        prefix: nats.prefix,
        durable: 'mixed',
        filterSubjects: [
          eventFilter({ prefix: nats.prefix, type: 'wanted_a' }),
          eventFilter({ prefix: nats.prefix, type: 'wanted_b' }),
        ],
        handle: async (_tx, envelope) => {
          seen.push(envelope.type);
        },
        log,
      }),
    );

    for (const type of ['wanted_a', 'unwanted', 'wanted_b']) await publish(event(type));
    // Not an envelope, on a subject it did not ask for: none of its business, so not parked by it either.
    await jetstream(nats.nc).publish(`${nats.prefix}.t_1.widgets.unwanted_raw`, new Uint8Array([0xff, 0xff]));

    await waitFor(() => consumerDrained(nats.nc, nats.events, 'mixed'), { timeoutMs: 20_000, what: 'all handled' });
    expect(seen).toEqual(['wanted_a', 'wanted_b']);
    const parked = await streamMessages(nats.nc, nats.dlq);
    expect(parked.filter((m) => m.header.get(DLQ_HEADERS.consumer) === 'mixed')).toEqual([]);
  });
});
