import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { newId } from '../src/ids.js';
import { Outbox } from '../src/outbox.js';
import { OutboxRelay } from '../src/outbox-relay.js';
import {
  log,
  streamCount,
  streamEnvelopes,
  streamMessages,
  type TestDb,
  type TestNats,
  testDb,
  testNats,
} from './helpers.js';

describe('outbox and relay', () => {
  let pg: TestDb;
  let nats: TestNats;
  let outbox: Outbox;
  let relay: OutboxRelay;

  beforeAll(async () => {
    pg = await testDb('outbox_relay');
    nats = await testNats();
    outbox = new Outbox({ producer: 'widgets', prefix: nats.prefix });
    relay = new OutboxRelay({ db: pg.db, nc: nats.nc, log, databaseUrl: pg.url, pollMs: 5000 });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await nats?.close();
    await pg?.close();
  });

  async function createWidget(tenantId: string, name: string): Promise<string> {
    return pg.db.transaction().execute(async (tx) => {
      await sql`insert into widgets (id, tenant_id, name) values (${newId('wgt')}, ${tenantId}, ${name})`.execute(tx);
      return outbox.add(tx, {
        type: 'widget_created',
        tenantId,
        payloadType: 'test.WidgetCreated',
        payload: new TextEncoder().encode(name),
      });
    });
  }

  it('publishes committed events once each, in commit order, on the tenant subject', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await createWidget(i % 2 ? 't_a' : 't_b', `widget ${i}`));

    await waitFor(async () => (await streamCount(nats.nc, nats.events)) >= ids.length, { what: '12 events' });

    const messages = await streamMessages(nats.nc, nats.events);
    const envelopes = await streamEnvelopes(nats.nc, nats.events);
    expect(envelopes.map((e) => e.id)).toEqual(ids);
    expect(messages[1]?.subject).toBe(`${nats.prefix}.t_a.widgets.widget_created`);
    expect(messages[1]?.header.get('Nats-Msg-Id')).toBe(ids[1]);
    expect(envelopes[0]).toMatchObject({ type: 'widget_created', tenantId: 't_b', producer: 'widgets' });
    expect(new TextDecoder().decode(envelopes[0]?.payload)).toBe('widget 0');
    const unpublished = await sql`select id from outbox where published_at is null`.execute(pg.db);
    expect(unpublished.rows).toEqual([]);
  });

  it('publishes the events of one change, added together, in the order given', async () => {
    const before = await streamCount(nats.nc, nats.events);
    const events = ['first', 'second', 'third'].map((name) => ({
      type: `widget_${name}`,
      tenantId: 't_a',
      payloadType: 'test.Widget',
      payload: new TextEncoder().encode(name),
    }));

    const ids = await pg.db.transaction().execute((tx) => outbox.addAll(tx, events));

    await waitFor(async () => (await streamCount(nats.nc, nats.events)) === before + 3, { what: 'three events' });
    const published = (await streamEnvelopes(nats.nc, nats.events)).slice(before);
    expect(published.map((e) => [e.id, e.type])).toEqual([
      [ids[0], 'widget_first'],
      [ids[1], 'widget_second'],
      [ids[2], 'widget_third'],
    ]);
  });

  it('stands by while another relay holds the lock, then takes over', async () => {
    const before = await streamCount(nats.nc, nats.events);
    const other = await pg.pool.connect(); // "another replica's relay" in the middle of its batch
    await other.query('select pg_advisory_lock($1)', [0x666c6f62]);
    let held = true;
    try {
      const id = await createWidget('t_a', 'while another relay publishes');
      await new Promise((r) => setTimeout(r, 500));
      expect(await streamCount(nats.nc, nats.events)).toBe(before);
      const waiting = await sql`select id from outbox where published_at is null`.execute(pg.db);
      expect(waiting.rows).toEqual([{ id }]);

      await other.query('select pg_advisory_unlock($1)', [0x666c6f62]);
      held = false;
      await createWidget('t_a', 'after it let go'); // its NOTIFY wakes this relay

      await waitFor(async () => (await streamCount(nats.nc, nats.events)) === before + 2, { what: 'both events' });
      expect((await streamEnvelopes(nats.nc, nats.events)).map((e) => e.id)).toContain(id);
    } finally {
      if (held) await other.query('select pg_advisory_unlock($1)', [0x666c6f62]);
      other.release();
    }
  });

  it('publishes nothing for a rolled-back change', async () => {
    const before = await streamCount(nats.nc, nats.events);
    let rolledBack = '';
    await expect(
      pg.db.transaction().execute(async (tx) => {
        rolledBack = await outbox.add(tx, {
          type: 'widget_created',
          tenantId: 't_a',
          payloadType: 'x',
          payload: new Uint8Array(),
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    // Order is kept, so once a later event is in the stream the rolled-back one would be there too.
    const later = await createWidget('t_a', 'after the rollback');
    await waitFor(async () => (await streamCount(nats.nc, nats.events)) > before, { what: 'the later event' });

    const ids = (await streamEnvelopes(nats.nc, nats.events)).map((e) => e.id);
    expect(ids).toContain(later);
    expect(ids).not.toContain(rolledBack);
    expect(ids).toHaveLength(before + 1);
  });
});
