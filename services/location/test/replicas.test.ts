// Two replicas on one database and one NATS: a phone moving between them keeps one presence (one arrival), and so
// does a worker whose two phones report to different replicas; both answer for every worker (positions shared
// through the live stream), settings and shifts reach both, and a phone hammering both at once gets every ping
// stored exactly once.

import type { Caller } from '@fieldline/platform';
import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { destinationPoint } from '../src/domain/geo.js';
import { DeviceStream, type Harness, ping, startHarness, Tenant } from './harness.js';

const SITE = { lat: 45.764, lng: 4.8357 };
const SEC = 1000;

describe('two replicas', () => {
  let h: Harness;
  let tenant: Tenant;
  let dispatcher: Caller;

  beforeAll(async () => {
    h = await startHarness('replicas', { replicas: 2 });
    tenant = await Tenant.create(h);
    dispatcher = (await tenant.user('dispatcher')).caller;
    await tenant.updateSettings({ minOnSiteSeconds: 60 });
    await waitFor(() => h.replicas.every((r) => r.engine.settings(tenant.id).minOnSiteSeconds === 60), {
      what: 'settings on both replicas',
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const nearest = (replica: number) =>
    h.api[replica].findNearest(
      { ...SITE, customerId: '', siteId: '', radiusM: 50_000, limit: 10, skill: '', availableOnly: false },
      { caller: dispatcher },
    );

  it('declares one arrival when a visit starts on one replica and ends on the other, at the phone’s first inside time', async () => {
    const anna = await tenant.phone('Anna');
    const jobId = 'job_replicas';
    await tenant.publishJob('job_assigned', {
      id: jobId,
      assigneeIds: [anna.worker.id],
      site: { siteId: 's1', address: 'Place Bellecour', ...SITE, radiusM: 100, hasCoordinates: true },
    });
    await waitFor(() => h.replicas.every((r) => r.engine.fence(tenant.id, `job:${jobId}`)), {
      what: 'the job fence on both replicas',
    });
    const t0 = Date.now() - 3600 * SEC;
    const fixes: Array<{ t: number; lat: number; lng: number }> = [];
    for (let i = 0; i < 5; i++)
      fixes.push({ t: t0 + i * 10 * SEC, ...destinationPoint(SITE.lat, SITE.lng, 90, 1000 - i * 200) });
    const firstInside = t0 + 50 * SEC;
    for (let i = 0; i < 18; i++)
      fixes.push({ t: firstInside + i * 10 * SEC, ...destinationPoint(SITE.lat, SITE.lng, 0, 15) });
    const firstOut = firstInside + 180 * SEC;
    for (let i = 0; i < 12; i++)
      fixes.push({ t: firstOut + i * 10 * SEC, ...destinationPoint(SITE.lat, SITE.lng, 270, 800) });
    const pings = fixes.map((f, i) => ping(i + 1, f.t, f.lat, f.lng));

    // Approach and 30 s on site stream to replica A; the rest comes as an offline batch through replica B.
    const onA = DeviceStream.open(h.addresses[0], anna.token);
    onA.send(pings.slice(0, 8));
    await onA.waitAcked(8);
    await onA.finish();
    const onB = await h.api[1].ingestPings({ pings: pings.slice(8), seqLess: false }, { caller: anna.deviceCaller });
    const events = await waitFor(
      () => {
        const mine = h.events.siteEvents(tenant.id).filter((e) => e.event.workerId === anna.worker.id);
        return mine.length >= 2 ? mine : undefined;
      },
      { what: 'arrival and departure' },
    );
    // The phone resends its last stream messages to A: nothing new, nothing reported again.
    const resent = DeviceStream.open(h.addresses[0], anna.token);
    resent.send(pings.slice(20));
    await resent.waitAcked(pings.length);
    await resent.finish();

    expect(onB).toMatchObject({ accepted: pings.length - 8, duplicates: 0 });
    expect(events.map((e) => [e.type, e.event.jobId, e.event.at?.getTime()])).toEqual([
      ['worker_arrived', jobId, firstInside],
      ['worker_departed', jobId, firstOut],
    ]);
    expect(resent.acks.every((a) => a.rejected.length === 0)).toBe(true);
    const stored = await sql<{ n: number }>`
      select count(*)::int as n from track_points where device_id = ${anna.deviceId}`.execute(h.replicas[0].db);
    expect(stored.rows[0].n).toBe(pings.length);
  });

  it('reports one visit for a worker whose two phones report to different replicas', async () => {
    const pocket = await tenant.phone('Paul');
    const van = await tenant.anotherPhone(pocket);
    const jobId = 'job_two_phones';
    await tenant.publishJob('job_assigned', {
      id: jobId,
      assigneeIds: [pocket.worker.id],
      site: { siteId: 's2', address: 'Place des Terreaux', ...SITE, radiusM: 100, hasCoordinates: true },
    });
    await waitFor(() => h.replicas.every((r) => r.engine.fence(tenant.id, `job:${jobId}`)), {
      what: 'the job fence on both replicas',
    });
    const t0 = Date.now() - 3600 * SEC;
    const inside = destinationPoint(SITE.lat, SITE.lng, 0, 15);
    const outside = destinationPoint(SITE.lat, SITE.lng, 90, 800);
    const send = (
      replica: number,
      phone: typeof pocket,
      fixes: Array<[number, number, { lat: number; lng: number }]>,
    ) =>
      h.api[replica].ingestPings(
        { pings: fixes.map(([seq, sec, p]) => ping(seq, t0 + sec * SEC, p.lat, p.lng)), seqLess: false },
        { caller: phone.deviceCaller },
      );

    // The pocket phone (replica A) arrives; the other phone (replica B) then dwells too: one worker, already there.
    await send(0, pocket, [
      [1, 0, outside],
      [2, 30, inside],
      [3, 60, inside],
      [4, 90, inside],
    ]);
    await send(1, van, [
      [1, 40, inside],
      [2, 70, inside],
      [3, 100, inside],
      [4, 130, inside],
    ]);
    // The pocket phone leaves (replica A) while the other is still there; then the other leaves (replica B).
    await send(0, pocket, [
      [5, 150, outside],
      [6, 180, outside],
      [7, 210, outside],
    ]);
    await send(1, van, [
      [5, 260, outside],
      [6, 290, outside],
      [7, 320, outside],
    ]);
    const events = await waitFor(
      () => {
        const mine = h.events.siteEvents(tenant.id).filter((e) => e.event.jobId === jobId);
        return mine.some((e) => e.type === 'worker_departed') ? mine : undefined;
      },
      { what: 'the departure' },
    );

    expect(events.map((e) => [e.type, e.event.deviceId, (e.event.at?.getTime() ?? 0) - t0])).toEqual([
      ['worker_arrived', pocket.deviceId, 30 * SEC],
      ['worker_departed', van.deviceId, 260 * SEC],
    ]);
  });

  it('answers nearest on both replicas with workers whose phones report to either, naming each phone', async () => {
    const onlyA = await tenant.phone('Ann A');
    const onlyB = await tenant.phone('Bob B');
    const near = destinationPoint(SITE.lat, SITE.lng, 0, 1000);
    await h.api[0].ingestPings(
      { pings: [ping(1, Date.now() - 2000, near.lat, near.lng)], seqLess: false },
      { caller: onlyA.deviceCaller },
    );
    await h.api[1].ingestPings(
      { pings: [ping(1, Date.now() - 2000, near.lat, near.lng + 0.01)], seqLess: false },
      { caller: onlyB.deviceCaller },
    );

    const seenBy = await Promise.all(
      [0, 1].map((r) =>
        waitFor(
          async () => {
            const found = (await nearest(r)).workers;
            const ids = found.map((n) => n.workerId);
            return ids.includes(onlyA.worker.id) && ids.includes(onlyB.worker.id) ? found : undefined;
          },
          { what: `both workers on replica ${r}` },
        ),
      ),
    );

    expect(seenBy[0].map((n) => n.workerId)).toEqual(seenBy[1].map((n) => n.workerId));
    // The replica that did not ingest a phone learnt its position from the live feed, phone included.
    for (const found of seenBy) {
      const phoneOf = new Map(found.map((n) => [n.workerId, n.position?.deviceId]));
      expect(phoneOf.get(onlyA.worker.id)).toBe(onlyA.deviceId);
      expect(phoneOf.get(onlyB.worker.id)).toBe(onlyB.deviceId);
    }
  });

  it('applies a shift set on one replica to the other', async () => {
    const phone = await tenant.phone('Shifty');
    const near = destinationPoint(SITE.lat, SITE.lng, 180, 2000);
    await h.api[0].ingestPings(
      { pings: [ping(1, Date.now() - 1000, near.lat, near.lng)], seqLess: false },
      { caller: phone.deviceCaller },
    );
    await h.api[0].setShift({ workerId: phone.worker.id, onShift: true, skills: ['roofing'] }, { caller: dispatcher });

    const onB = await waitFor(
      async () => {
        const found = (await nearest(1)).workers.find((n) => n.workerId === phone.worker.id);
        return found?.status === 'available' ? found : undefined;
      },
      { what: 'the shift on replica B' },
    );

    expect(onB.skills).toEqual(['roofing']);
  });

  it('stores every ping exactly once when one phone sends to both replicas at the same time', async () => {
    const phone = await tenant.phone('Both');
    const t0 = Date.now() - 3600 * SEC;
    const pings = Array.from({ length: 400 }, (_, i) => ping(i + 1, t0 + i * SEC, 45.7, 4.8 + i * 1e-5));
    const a = DeviceStream.open(h.addresses[0], phone.token);
    const b = DeviceStream.open(h.addresses[1], phone.token);

    // Interleaved halves, overlapping by a hundred (sent to both), in small messages.
    for (let i = 0; i < 400; i += 10) {
      const part = pings.slice(i, i + 10);
      if (i < 250) a.send(part);
      if (i >= 150) b.send(part);
    }
    // Whichever replica flushes last sees the whole run (it restores what the other stored) and acks it.
    await waitFor(() => Math.max(a.ackedSeq, b.ackedSeq) >= 400, {
      what: 'the ack of the last ping',
      timeoutMs: 20_000,
    });
    await a.finish();
    await b.finish();

    const rows = await sql<{ seq: number }>`
      select seq from track_points where device_id = ${phone.deviceId} order by seq`.execute(h.replicas[0].db);
    expect(rows.rows.map((r) => Number(r.seq))).toEqual(pings.map((p) => p.seq));
  });
});
