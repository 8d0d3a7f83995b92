// Late batches give the same arrivals, departures and time logs as live pings: delays, reorderings, duplicates, offline uploads, restarts.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { destinationPoint, type Fence, LocationEngine, type Ping, type SiteEvent } from '../src/domain/index.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const A = { lat: 48.8566, lng: 2.3522 };
const B = destinationPoint(A.lat, A.lng, 45, 1500);
const AWAY = destinationPoint(A.lat, A.lng, 190, 3000);

/** A job site (circle), a smaller job fence overlapping it, a customer site (polygon) 1.5 km away. */
function fences(): Fence[] {
  const corner = (bearing: number, m: number) => {
    const p = destinationPoint(B.lat, B.lng, bearing, m);
    return [p.lng, p.lat] as [number, number];
  };
  return [
    {
      id: 'job:a',
      tenantId: 't1',
      jobId: 'a',
      workerIds: new Set(['w1']),
      shape: { kind: 'circle', ...A, radiusM: 100 },
    },
    {
      id: 'job:a2',
      tenantId: 't1',
      jobId: 'a2',
      workerIds: new Set(['w1', 'w9']),
      shape: { kind: 'circle', ...destinationPoint(A.lat, A.lng, 0, 30), radiusM: 40 },
    },
    {
      id: 'site:c1:s1',
      tenantId: 't1',
      customerId: 'c1',
      siteId: 's1',
      workerIds: 'any',
      shape: { kind: 'polygon', ring: [corner(30, 120), corner(150, 100), corner(210, 110), corner(330, 90)] },
    },
  ];
}

function newEngine(): LocationEngine {
  const engine = new LocationEngine({ exitDelaySeconds: 60 });
  engine.setTenantSettings('t1', { minOnSiteSeconds: 120 });
  for (const f of fences()) engine.upsertFence(f);
  return engine;
}

/** mulberry32: a small seeded PRNG, so one fast-check integer drives all the noise. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Place = 'A' | 'B' | 'away';
type Segment =
  | { kind: 'drive'; to: Place; speedMps: number }
  | { kind: 'dwell'; at: Place; seconds: number }
  | { kind: 'hover'; at: Place; seconds: number };

const placeArb = fc.constantFrom<Place>('A', 'B', 'away');
const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  fc.record({ kind: fc.constant('drive' as const), to: placeArb, speedMps: fc.integer({ min: 5, max: 15 }) }),
  // Shorter and longer than the 120 s minimum on-site time.
  fc.record({ kind: fc.constant('dwell' as const), at: placeArb, seconds: fc.integer({ min: 20, max: 1200 }) }),
  fc.record({ kind: fc.constant('hover' as const), at: placeArb, seconds: fc.integer({ min: 30, max: 600 }) }),
);

const centre = (p: Place) => (p === 'A' ? A : p === 'B' ? B : AWAY);

/**
 * The phone's recording of a plan: a fix every 3–20 s with up to 8 m of GPS noise, 5 % blurred fixes
 * (150–500 m accuracy, displaced by as much), 1 % mock locations and 2 % garbage (rejected, seq still used).
 */
function record(plan: Segment[], seed: number): Ping[] {
  const rnd = prng(seed);
  const pings: Ping[] = [];
  let t = T0;
  let here = { ...AWAY };
  const emit = (truth: { lat: number; lng: number }) => {
    t += Math.round(3000 + rnd() * 17_000);
    const blurred = rnd() < 0.05;
    const accuracyM = blurred ? 150 + rnd() * 350 : 4 + rnd() * 10;
    const p = destinationPoint(truth.lat, truth.lng, rnd() * 360, (blurred ? accuracyM : 8) * Math.sqrt(rnd()));
    const ping: Ping = {
      seq: pings.length + 1,
      deviceTime: t,
      lat: p.lat,
      lng: p.lng,
      accuracyM,
      speedMps: -1,
      batteryPct: 70,
    };
    if (rnd() < 0.01) ping.mock = true;
    if (rnd() < 0.02) ping.lat = 123;
    pings.push(ping);
  };
  for (const s of plan) {
    if (s.kind === 'drive') {
      const to = centre(s.to);
      const start = { ...here };
      const steps = Math.max(1, Math.round(distance(start, to) / (s.speedMps * 10)));
      for (let i = 1; i <= steps; i++) {
        here = {
          lat: start.lat + ((to.lat - start.lat) * i) / steps,
          lng: start.lng + ((to.lng - start.lng) * i) / steps,
        };
        emit(here);
      }
    } else {
      const c = centre(s.at);
      const end = t + s.seconds * 1000;
      // Dwell somewhere well inside; hover across the edge of A's fence (100 m ± 15 m) or around B's.
      const spot = s.kind === 'dwell' ? destinationPoint(c.lat, c.lng, rnd() * 360, rnd() * 40) : c;
      while (t < end) {
        here = s.kind === 'dwell' ? spot : destinationPoint(c.lat, c.lng, rnd() * 360, 85 + rnd() * 30);
        emit(here);
      }
    }
  }
  return pings;
}

function distance(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dy = (b.lat - a.lat) * 111_195;
  const dx = (b.lng - a.lng) * 111_195 * Math.cos((a.lat * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

interface Delivery {
  ping: Ping;
  arrival: number;
}

/**
 * How the network and the phone deliver the same pings: most 0–20 s late; 0–2 offline periods uploaded as
 * a batch 0–120 s after the phone is back (so newer live pings arrive first); 10 % sent twice, up to
 * 200 s apart; grouped into batches of 1–8 and shuffled within each batch. Every delay stays under the
 * 300 s gap timeout, so nothing is given up on (that would legitimately change the outcome).
 */
function deliver(pings: Ping[], seed: number): Array<{ pings: Ping[]; now: number }> {
  const rnd = prng(seed);
  const arrival = pings.map((p) => p.deviceTime + Math.round(rnd() * 20_000));
  const windows = Math.floor(rnd() * 3);
  for (let w = 0; w < windows && pings.length > 2; w++) {
    const from = Math.floor(rnd() * pings.length);
    const to = Math.min(pings.length - 1, from + 10 + Math.floor(rnd() * 200));
    const back = (pings[to + 1] ?? pings[to]).deviceTime + Math.round(rnd() * 120_000);
    for (let i = from; i <= to; i++) arrival[i] = Math.max(arrival[i], back);
  }
  const all: Delivery[] = pings.map((ping, i) => ({ ping, arrival: arrival[i] }));
  for (let i = 0; i < pings.length; i++) {
    if (rnd() < 0.1) all.push({ ping: { ...pings[i] }, arrival: arrival[i] + Math.round(rnd() * 200_000) });
  }
  all.sort((a, b) => a.arrival - b.arrival);
  const batches: Array<{ pings: Ping[]; now: number }> = [];
  for (let i = 0; i < all.length; ) {
    const n = 1 + Math.floor(rnd() * 8);
    const chunk = all.slice(i, i + n);
    i += n;
    for (let j = chunk.length - 1; j > 0; j--) {
      const k = Math.floor(rnd() * (j + 1));
      [chunk[j], chunk[k]] = [chunk[k], chunk[j]];
    }
    batches.push({ pings: chunk.map((d) => d.ping), now: Math.max(...chunk.map((d) => d.arrival)) });
  }
  return batches;
}

const live = (pings: Ping[]): SiteEvent[] => {
  const engine = newEngine();
  return pings.flatMap((p) => engine.ingest('t1', 'd1', 'w1', [p], p.deviceTime + 500).events);
};

/** Time logs as the jobs service would derive them: each arrival closed by the next departure at that fence. */
function timeLogs(events: SiteEvent[]): Array<[string, number, number | null]> {
  const open = new Map<string, number>();
  const logs: Array<[string, number, number | null]> = [];
  for (const e of events) {
    if (e.kind === 'arrived') open.set(e.fenceId, e.at);
    else if (open.has(e.fenceId)) {
      logs.push([e.fenceId, open.get(e.fenceId)!, e.at]);
      open.delete(e.fenceId);
    }
  }
  for (const [fenceId, at] of open) logs.push([fenceId, at, null]);
  return logs;
}

describe('late batches', () => {
  it('give the same events and time logs as live pings (property)', () => {
    let arrivals = 0;
    let departures = 0;
    let offlineRuns = 0;
    let restartsMidVisit = 0;
    fc.assert(
      fc.property(
        fc.array(segmentArb, { minLength: 2, maxLength: 12 }),
        fc.integer(),
        fc.integer(),
        fc.nat(),
        (plan, traceSeed, deliverySeed, restartAt) => {
          const pings = record(plan, traceSeed);
          const expected = live(pings);

          const batches = deliver(pings, deliverySeed);
          let engine = newEngine();
          const restart = restartAt % batches.length;
          const got: SiteEvent[] = [];
          batches.forEach((batch, i) => {
            if (i === restart) {
              // The service restarts (or the device moves to another replica) between two batches.
              const saved = JSON.parse(JSON.stringify(engine.snapshotDevice('t1', 'd1') ?? null));
              if (saved && Object.keys(saved.presence).length > 0) restartsMidVisit++;
              engine = newEngine();
              if (saved) engine.restoreDevice('t1', 'd1', saved);
            }
            const r = engine.ingest('t1', 'd1', 'w1', batch.pings, batch.now);
            expect(r.lost).toBe(0);
            got.push(...r.events);
          });

          expect(got).toEqual(expected);
          expect(timeLogs(got)).toEqual(timeLogs(expected));
          expect(engine.snapshotDevice('t1', 'd1')?.stream).toMatchObject({ applied: pings.length, pending: [] });
          arrivals += expected.filter((e) => e.kind === 'arrived').length;
          departures += expected.filter((e) => e.kind === 'departed').length;
          if (batches.some((b) => b.pings.length > 1)) offlineRuns++;
        },
      ),
      { numRuns: 300 },
    );
    // The traces are interesting: plenty of visits and batches were exercised.
    expect(arrivals).toBeGreaterThan(100);
    expect(departures).toBeGreaterThan(50);
    expect(offlineRuns).toBeGreaterThan(100);
    expect(restartsMidVisit).toBeGreaterThan(30);
  });

  it('give the same events for seq-less (Traccar) pings resent and shuffled within a batch', () => {
    fc.assert(
      fc.property(
        fc.array(segmentArb, { minLength: 2, maxLength: 10 }),
        fc.integer(),
        fc.integer(),
        (plan, seed, seed2) => {
          const pings = record(plan, seed).map(({ seq: _seq, ...p }) => p);
          const engineLive = newEngine();
          const expected = pings.flatMap(
            (p) => engineLive.ingest('t1', 'd1', 'w1', [p], p.deviceTime + 500, { seqLess: true }).events,
          );
          expected.push(...engineLive.tick(Number.MAX_SAFE_INTEGER));

          const rnd = prng(seed2);
          const engine = newEngine();
          const got: SiteEvent[] = [];
          for (let i = 0; i < pings.length; ) {
            const n = 1 + Math.floor(rnd() * 20);
            // Traccar Client resends a batch it got no answer for; its buffer goes oldest first.
            const from = rnd() < 0.2 ? Math.max(0, i - n) : i;
            const batch = pings.slice(from, i + n).sort(() => rnd() - 0.5);
            i += n;
            const now = Math.max(...batch.map((p) => p.deviceTime)) + 500;
            got.push(...engine.ingest('t1', 'd1', 'w1', batch, now, { seqLess: true }).events);
          }
          got.push(...engine.tick(Number.MAX_SAFE_INTEGER));

          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
