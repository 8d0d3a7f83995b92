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
