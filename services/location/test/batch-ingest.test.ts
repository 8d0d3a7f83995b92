// IngestPings (HTTP batches and Traccar Client through the gateway): any order, duplicates counted not stored,
// seq-less pings deduplicated by device time, rejections named, limits, the device caller's own device only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { DeviceStream, failure, type Harness, type Phone, ping, startHarness, Tenant } from './harness.js';

const HOUR = 3600_000;

/** A fixed shuffle, so the test reads the same every run. */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('IngestPings', () => {
  let h: Harness;
  let tenant: Tenant;

  beforeAll(async () => {
    h = await startHarness('batch', { config: { ingestMaxBatch: 100 } });
    tenant = await Tenant.create(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const stored = async (phone: Phone) => {
    const rows = await sql<{ seq: number | null; t: Date }>`
      select seq, device_time as t from track_points where device_id = ${phone.deviceId} order by device_time`.execute(
      h.replicas[0].db,
    );
    return rows.rows.map((r) => ({ seq: r.seq === null ? null : Number(r.seq), t: r.t.getTime() }));
  };

  it('takes a batch in any order with duplicates: each ping stored once, in device-time order', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - 2 * HOUR;
    const pings = Array.from({ length: 30 }, (_, i) => ping(i + 1, t0 + i * 5000, 48.85 + i * 1e-4, 2.35));
    const batch = shuffled([...pings, pings[3], pings[17], pings[17]]);

    const res = await h.api[0].ingestPings({ pings: batch, seqLess: false }, { caller: phone.deviceCaller });
    const again = await h.api[0].ingestPings(
      { pings: pings.slice(0, 10), seqLess: false },
      { caller: phone.deviceCaller },
    );

    expect(res).toMatchObject({ accepted: 30, duplicates: 3, rejected: [] });
    expect(again).toMatchObject({ accepted: 0, duplicates: 10 });
    const rows = await stored(phone);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(rows.map((r) => r.t)).toEqual(pings.map((p) => p.deviceTime?.getTime()));
  });

  it('merges a batch with the same phone’s stream: what one door stored the other does not store again', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const stream = DeviceStream.open(h.addresses[0], phone.token);
    stream.send([1, 2, 3].map((s) => ping(s, t0 + s * 1000, 48.85, 2.35)));
    await stream.waitAcked(3);

    const res = await h.api[0].ingestPings(
      { pings: [2, 3, 4, 5].map((s) => ping(s, t0 + s * 1000, 48.85, 2.35)), seqLess: false },
      { caller: phone.deviceCaller },
    );
    stream.send([ping(6, t0 + 6000, 48.85, 2.35)]);
    await stream.waitAcked(6);
    await stream.finish();

    expect(res).toMatchObject({ accepted: 2, duplicates: 2 });
    expect((await stored(phone)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('dedupes seq-less pings (Traccar Client) by device time', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const fixes = [0, 10, 20, 30].map((s) => ping(0, t0 + s * 1000, 48.85, 2.35 + s * 1e-5));

    const first = await h.api[0].ingestPings(
      { pings: [fixes[2], fixes[0], fixes[1]], seqLess: true },
      { caller: phone.deviceCaller },
    );
    const second = await h.api[0].ingestPings(
      { pings: [fixes[1], fixes[3]], seqLess: true },
      { caller: phone.deviceCaller },
    );

    expect(first).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(second).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await stored(phone)).toEqual(fixes.map((f) => ({ seq: null, t: f.deviceTime?.getTime() })));
  });

  it('names every bad ping of a batch and stores the good ones', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;

    const res = await h.api[0].ingestPings(
      {
        pings: [
          ping(1, t0, 48.85, 2.35),
          ping(2, t0 + 1000, 48.85, 181),
          ping(0, t0 + 2000, 48.85, 2.35),
          ping(4, Date.UTC(1999, 0, 1), 48.85, 2.35),
          ping(5, t0 + 4000, 48.85, 2.35, { batteryPct: 140 }),
          ping(6, t0 + 5000, 48.85, 2.35),
        ],
        seqLess: false,
      },
      { caller: phone.deviceCaller },
    );

    expect(res.accepted).toBe(2);
    expect(res.rejected.map((r) => [r.seq, r.field])).toEqual([
      [2, 'lng'],
      [0, 'seq'],
      [4, 'deviceTime'],
      [5, 'batteryPct'],
    ]);
    expect((await stored(phone)).map((r) => r.seq)).toEqual([1, 6]);
  });

  it('refuses more pings than a batch may hold, naming the field, and answers an empty batch with zeros', async () => {
    const phone = await tenant.phone();
    const many = Array.from({ length: 101 }, (_, i) => ping(i + 1, Date.now() - HOUR + i, 48.85, 2.35));

    const tooMany = await failure(
      h.api[0].ingestPings({ pings: many, seqLess: false }, { caller: phone.deviceCaller }),
    );
    const empty = await h.api[0].ingestPings({ pings: [], seqLess: false }, { caller: phone.deviceCaller });

    expect(tooMany).toMatchObject({ kind: 'invalid_argument', field: 'pings' });
    expect(empty).toEqual({ accepted: 0, duplicates: 0, rejected: [] });
  });

  it('refuses callers that are not a device, and calls without a caller', async () => {
    const { caller: dispatcher } = await tenant.user('dispatcher');

    const asUser = await failure(
      h.api[0].ingestPings({ pings: [ping(1, Date.now(), 48.85, 2.35)], seqLess: false }, { caller: dispatcher }),
    );
    const anonymous = await failure(
      h.api[0].ingestPings({ pings: [ping(1, Date.now(), 48.85, 2.35)], seqLess: false }),
    );

    expect(asUser).toMatchObject({ kind: 'permission_denied', code: 'DEVICE_ONLY' });
    expect(anonymous.kind).toBe('unauthenticated');
  });
});
