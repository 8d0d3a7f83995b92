// Phones streaming pings over gRPC: acks after durable writes, resends without duplicates, bad pings rejected
// with reasons while the stream goes on, token checks, oversize batches, a restart that resumes every phone.

import { waitFor } from '@fieldline/testing';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { DeviceStream, failure, type Harness, type Phone, ping, startHarness, Tenant } from './harness.js';

const HOUR = 3600_000;

describe('DeviceIngest streams', () => {
  let h: Harness;
  let tenant: Tenant;

  beforeAll(async () => {
    h = await startHarness('stream', { config: { ingestMaxBatch: 200 } });
    tenant = await Tenant.create(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const addr = () => h.addresses[0];
  const trackOf = async (phone: Phone, from: number, to: number) => {
    const res = await h.api[0].getTrack(
      { workerId: phone.worker.id, from: new Date(from), to: new Date(to) },
      { caller: tenant.admin },
    );
    return res.segments.flatMap((s) => s.points);
  };
  const storedSeqs = async (phone: Phone) => {
    const rows = await sql<{ seq: number }>`
      select seq from track_points where tenant_id = ${tenant.id} and device_id = ${phone.deviceId} order by seq`.execute(
      h.replicas[0].db,
    );
    return rows.rows.map((r) => Number(r.seq));
  };

  it('acks the highest contiguous seq, and every acked ping is already in the track', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const stream = DeviceStream.open(addr(), phone.token);

    stream.send([1, 2, 3, 4, 5].map((s) => ping(s, t0 + s * 1000, 48.85 + s * 1e-4, 2.35)));
    await stream.waitAcked(5);
    const stored = await storedSeqs(phone);
    await stream.finish();

    expect(stored).toEqual([1, 2, 3, 4, 5]);
    expect(stream.status?.code).toBe(status.OK);
    // Tracks keep 7 decimals of a degree (about 1 cm).
    expect((await trackOf(phone, t0, t0 + 10_000)).map((p) => p.lat)).toEqual(
      [1, 2, 3, 4, 5].map((s) => Math.round((48.85 + s * 1e-4) * 1e7) / 1e7),
    );
  });

  it('holds the ack at a gap and moves it past once the missing ping arrives', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const stream = DeviceStream.open(addr(), phone.token);

    stream.send([ping(1, t0, 48.85, 2.35), ping(2, t0 + 1000, 48.85, 2.35), ping(4, t0 + 3000, 48.85, 2.35)]);
    await stream.waitAcked(2);
    const whileMissing = stream.ackedSeq;
    stream.send([ping(3, t0 + 2000, 48.85, 2.35)]);
    await stream.waitAcked(4);
    await stream.finish();

    expect(whileMissing).toBe(2);
    expect(await storedSeqs(phone)).toEqual([1, 2, 3, 4]);
  });

  it('stores every ping once when a phone reconnects and resends what was not acked', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const first = DeviceStream.open(addr(), phone.token);
    first.send(Array.from({ length: 10 }, (_, i) => ping(i + 1, t0 + i * 1000, 48.85, 2.35 + i * 1e-4)));
    await first.waitAcked(10);
    // The connection drops; the phone still thinks 6..10 were not acked and resends them with new ones.
    first.cut();

    const second = DeviceStream.open(addr(), phone.token);
    second.send(Array.from({ length: 10 }, (_, i) => ping(i + 6, t0 + (i + 5) * 1000, 48.85, 2.35 + (i + 5) * 1e-4)));
    await second.waitAcked(15);
    await second.finish();

    expect(await storedSeqs(phone)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('stores pings sent just before a drop exactly once when they are sent again', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const first = DeviceStream.open(addr(), phone.token);
    first.send([1, 2, 3].map((s) => ping(s, t0 + s * 1000, 48.85, 2.35)));
    // Cut without waiting: the server may or may not have stored them; the phone cannot know.
    first.cut();

    const second = DeviceStream.open(addr(), phone.token);
    second.send([1, 2, 3, 4].map((s) => ping(s, t0 + s * 1000, 48.85, 2.35)));
    await second.waitAcked(4);
    await second.finish();

    expect(await storedSeqs(phone)).toEqual([1, 2, 3, 4]);
  });

  it('rejects bad pings with the field and reason, acks past them, and keeps the stream going', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const stream = DeviceStream.open(addr(), phone.token);

    stream.send([
      ping(1, t0, 48.85, 2.35),
      ping(2, t0 + 1000, 91, 2.35),
      ping(3, Date.now() + 3 * HOUR, 48.85, 2.35),
      ping(4, t0 + 3000, 48.85, 2.35, { accuracyM: -1 }),
      ping(5, t0 + 4000, 48.85, Number.NaN),
    ]);
    stream.send([ping(6, t0 + 5000, 48.85, 2.36)]);
    await stream.waitAcked(6);
    await stream.finish();

    expect(stream.rejections().map((r) => [r.seq, r.field])).toEqual([
      [2, 'lat'],
      [3, 'deviceTime'],
      [4, 'accuracyM'],
      [5, 'lng'],
    ]);
    expect(stream.rejections().every((r) => r.reason.length > 0)).toBe(true);
    expect(await storedSeqs(phone)).toEqual([1, 6]);
  });

  it('refuses a stream without a token, or with an unknown one, as UNAUTHENTICATED', async () => {
    const none = DeviceStream.open(addr(), undefined);
    none.send([ping(1, Date.now(), 48.85, 2.35)]);
    await none.closed();
    const unknown = DeviceStream.open(addr(), 'fld_not-a-real-token');
    unknown.send([ping(1, Date.now(), 48.85, 2.35)]);
    await unknown.closed();

    expect(none.status?.code).toBe(status.UNAUTHENTICATED);
    expect(unknown.status?.code).toBe(status.UNAUTHENTICATED);
    expect(none.acks).toEqual([]);
  });

  it('ends a stream whose message holds more pings than a batch may', async () => {
    const phone = await tenant.phone();
    const stream = DeviceStream.open(addr(), phone.token);

    stream.send(Array.from({ length: 201 }, (_, i) => ping(i + 1, Date.now() - HOUR + i, 48.85, 2.35)));
    await stream.closed();

    expect(stream.status).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(await storedSeqs(phone)).toEqual([]);
  });

  it('cuts a deactivated worker off: their position goes and their stream ends as UNAUTHENTICATED', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - 60_000;
    const stream = DeviceStream.open(addr(), phone.token);
    stream.send([ping(1, t0, 48.85, 2.35)]);
    await stream.waitAcked(1);

    await h.accounts.users.deactivateUser({ id: phone.worker.id }, { caller: tenant.admin });
    await waitFor(
      async () =>
        !(await h.api[0].listPositions({}, { caller: tenant.admin })).positions.some(
          (p) => p.workerId === phone.worker.id,
        ),
      { what: 'the position to go' },
    );
    stream.send([ping(2, t0 + 1000, 48.85, 2.35)]);
    await stream.closed();

    expect(stream.status?.code).toBe(status.UNAUTHENTICATED);
    expect(await storedSeqs(phone)).toEqual([1]);
  });

  it('answers IngestPings only for device callers', async () => {
    const res = await failure(
      h.api[0].ingestPings({ pings: [ping(1, Date.now(), 48.85, 2.35)], seqLess: false }, { caller: tenant.admin }),
    );

    expect(res).toMatchObject({ kind: 'permission_denied', code: 'DEVICE_ONLY' });
  });
});

describe('a restarted location service', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('restart');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('resumes each phone where it was: resent pings are not stored twice, the ack continues', async () => {
    const tenant = await Tenant.create(h);
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const before = DeviceStream.open(h.addresses[0], phone.token);
    before.send([1, 2, 3, 4, 5].map((s) => ping(s, t0 + s * 1000, 48.85, 2.35)));
    await before.waitAcked(5);
    await before.finish();

    await h.replicas[0].stop();
    h.api[0].close();
    const i = await h.addReplica();
    const after = DeviceStream.open(h.addresses[i], phone.token);
    after.send([4, 5, 6, 7].map((s) => ping(s, t0 + s * 1000, 48.85, 2.35)));
    await after.waitAcked(7);
    await after.finish();

    const rows = await sql<{ seq: number }>`
      select seq from track_points where device_id = ${phone.deviceId} order by seq`.execute(h.replicas[i].db);
    expect(rows.rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const positions = await h.api[i].listPositions({}, { caller: tenant.admin });
    expect(positions.positions.map((p) => p.workerId)).toEqual([phone.worker.id]);
  });
});

describe('gaps nobody fills, and shutting down', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('gaps', { config: { gapTimeoutSeconds: 1 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('gives up on a missing seq after the gap timeout and acks past it on the open stream', async () => {
    const tenant = await Tenant.create(h);
    const phone = await tenant.phone();
    const t0 = Date.now() - HOUR;
    const stream = DeviceStream.open(h.addresses[0], phone.token);

    stream.send([ping(1, t0, 48.85, 2.35), ping(2, t0 + 1000, 48.85, 2.35), ping(4, t0 + 3000, 48.85, 2.35)]);
    await stream.waitAcked(2);
    await stream.waitAcked(4);
    await stream.finish();

    expect(stream.acks.map((a) => a.ackedSeq)).toContain(2);
    const rows = await sql<{ seq: number }>`
      select seq from track_points where device_id = ${phone.deviceId} order by seq`.execute(h.replicas[0].db);
    expect(rows.rows.map((r) => Number(r.seq))).toEqual([1, 2, 4]);
  });

  it('acks what it has read when it stops, then ends the streams as UNAVAILABLE so phones reconnect elsewhere', async () => {
    const tenant = await Tenant.create(h);
    const phone = await tenant.phone();
    const i = await h.addReplica();
    const t0 = Date.now() - HOUR;
    const stream = DeviceStream.open(h.addresses[i], phone.token);
    stream.send([1, 2, 3].map((s) => ping(s, t0 + s * 1000, 48.85, 2.35)));
    await stream.waitAcked(3);

    await h.replicas[i].stop();
    await stream.closed();

    expect(stream.status).toMatchObject({ code: status.UNAVAILABLE, errorCode: 'SHUTTING_DOWN' });
    expect(stream.ackedSeq).toBe(3);
  });
});
