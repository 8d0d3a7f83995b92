// Live positions on core NATS `<live>.<tenant>.positions`: each moved worker's newest position, at most about
// once a second per worker (the first at once, then the newest of what came meanwhile), one subject per tenant.

import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeviceStream, type Harness, ping, startHarness, Tenant } from './harness.js';

describe('live positions', () => {
  let h: Harness;
  let tenant: Tenant;

  beforeAll(async () => {
    h = await startHarness('live');
    tenant = await Tenant.create(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('publishes the first position at once and then only the newest, not every ping', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - 30_000;
    const stream = DeviceStream.open(h.addresses[0], phone.token);

    // Twenty flushes in quick succession (each waits for its ack), each moving the worker.
    for (let s = 1; s <= 20; s++) {
      stream.send([ping(s, t0 + s * 1000, 48.85 + s * 1e-4, 2.35)]);
      await stream.waitAcked(s);
    }
    await stream.finish();
    const newest = t0 + 20_000;
    const got = await waitFor(
      () => {
        const mine = h.live.of(phone.worker.id);
        return mine.some((p) => p.deviceTime?.getTime() === newest) ? mine : undefined;
      },
      { what: 'the newest live position' },
    );

    expect(got[0]).toMatchObject({
      tenantId: tenant.id,
      workerId: phone.worker.id,
      deviceId: phone.deviceId,
      lat: 48.85 + 1e-4,
    });
    expect(got[got.length - 1]).toMatchObject({ lat: 48.85 + 20e-4, lng: 2.35, accuracyM: 5, batteryPct: 80 });
    expect(got.length).toBeLessThan(20);
    const times = got.map((p) => p.deviceTime?.getTime() ?? 0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(h.live.positions.filter((p) => p.position.workerId === phone.worker.id).map((p) => p.subject)).toEqual(
      got.map(() => `${h.livePrefix}.${tenant.id}.positions`),
    );
  });

  it('publishes each worker on its own tenant’s subject', async () => {
    const other = await Tenant.create(h);
    const mine = await tenant.phone();
    const theirs = await other.phone();

    await h.api[0].ingestPings(
      { pings: [ping(1, Date.now() - 1000, 40.4, -3.7)], seqLess: false },
      { caller: mine.deviceCaller },
    );
    await h.api[0].ingestPings(
      { pings: [ping(1, Date.now() - 1000, 41.4, 2.1)], seqLess: false },
      { caller: theirs.deviceCaller },
    );
    await waitFor(() => h.live.of(mine.worker.id).length > 0 && h.live.of(theirs.worker.id).length > 0, {
      what: 'both live positions',
    });

    const subjectOf = (workerId: string) => h.live.positions.find((p) => p.position.workerId === workerId)?.subject;
    expect(subjectOf(mine.worker.id)).toBe(`${h.livePrefix}.${tenant.id}.positions`);
    expect(subjectOf(theirs.worker.id)).toBe(`${h.livePrefix}.${other.id}.positions`);
  });

  it('does not publish a late ping that is older than the worker’s newest position', async () => {
    const phone = await tenant.phone();
    const t0 = Date.now() - 60_000;
    await h.api[0].ingestPings({ pings: [ping(2, t0 + 2000, 10, 10)], seqLess: false }, { caller: phone.deviceCaller });
    await h.api[0].ingestPings({ pings: [ping(1, t0 + 1000, 11, 11)], seqLess: false }, { caller: phone.deviceCaller });
    await h.api[0].ingestPings({ pings: [ping(3, t0 + 3000, 12, 12)], seqLess: false }, { caller: phone.deviceCaller });
    await waitFor(() => h.live.of(phone.worker.id).some((p) => p.lat === 12), { what: 'the newest live position' });

    expect(h.live.of(phone.worker.id).map((p) => p.lat)).not.toContain(11);
  });
});
