import { type PrivateNatsServer, startNatsServer, waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { newId } from '../src/ids.js';
import { Outbox } from '../src/outbox.js';
import { OutboxRelay } from '../src/outbox-relay.js';
import { log, streamCount, streamEnvelopes, type TestDb, type TestNats, testDb, testNats } from './helpers.js';

describe('outbox while NATS and the relay fail', () => {
  let server: PrivateNatsServer;
  let pg: TestDb;
  let nats: TestNats;

  beforeAll(async () => {
    server = await startNatsServer();
    pg = await testDb('outbox_failure');
    nats = await testNats(server.url);
  });

  afterAll(async () => {
    await nats?.close();
    await pg?.close();
    await server?.dispose();
  });

  function relayOn(applicationName: string) {
    const { db, pool } = pg.open(applicationName);
    const relay = new OutboxRelay({
      db,
      nc: nats.nc,
      log,
      databaseUrl: pg.url,
      batchSize: 3,
      pollMs: 100,
      publishTimeoutMs: 500,
      maxBackoffMs: 300,
    });
    relay.start();
    return { relay, pool };
  }

  it('delivers every event exactly once across a NATS outage, a relay crash and resends', async () => {
    const outbox = new Outbox({ producer: 'widgets', prefix: nats.prefix });
    const first = relayOn('relay-1');
    await server.stop();

    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await pg.db.transaction().execute(async (tx) => {
        await sql`insert into widgets (id, tenant_id, name) values (${newId('wgt')}, 't_1', ${`w${i}`})`.execute(tx);
        return outbox.add(tx, {
          type: 'widget_created',
          tenantId: 't_1',
          payloadType: 'x',
          payload: new Uint8Array([i]),
        });
      });
      ids.push(id);
    }
    await server.start();

    // Crash relay 1 part-way: its database connections die mid-batch, whatever it had published unmarked.
    await waitFor(async () => (await streamCount(nats.nc, nats.events)) >= 4, {
      timeoutMs: 30_000,
      what: 'some events',
    });
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'relay-1'`.execute(pg.db);
    await first.relay.stop();
    const second = relayOn('relay-2');
    await waitFor(
      async () => (await sql`select 1 from outbox where published_at is null`.execute(pg.db)).rows.length === 0,
      {
        timeoutMs: 30_000,
        what: 'all outbox rows published',
      },
    );
    await second.relay.stop();

    // A relay that dies after publishing but before marking sends again: here, half of them.
    await sql`update outbox set published_at = null where id = any(${ids.slice(0, 10)})`.execute(pg.db);
    const third = relayOn('relay-3');
    await waitFor(
      async () => (await sql`select 1 from outbox where published_at is null`.execute(pg.db)).rows.length === 0,
      {
        timeoutMs: 30_000,
        what: 'the resends',
      },
    );
    await third.relay.stop();

    const received = (await streamEnvelopes(nats.nc, nats.events)).map((e) => e.id);
    expect(received).toEqual(ids);
  });
});
