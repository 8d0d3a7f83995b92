// GPS jitter at a fence edge and blurred or mocked fixes never make false arrivals or departures.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { destinationPoint, LocationEngine, type Ping, type SiteEvent } from '../src/domain/index.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const SITE = { lat: 52.52, lng: 13.405 };
const MIN_ON_SITE_S = 120;
const EXIT_DELAY_S = 60;

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

/** Builds a trace: each step says how far from the site centre the phone reports, how blurred, for how long. */
class Trace {
  readonly pings: Ping[] = [];
  t = T0;
  constructor(
    private readonly rnd: () => number,
    private readonly everyS: [number, number] = [5, 30],
  ) {}

  /** Fixes `distanceM()` from the centre for `seconds`; blurred fixes (150–600 m) displaced by up to their blur. */
  stay(
    seconds: number,
    distanceM: () => number,
    opts: { spikes?: number; mock?: boolean; spikeDistanceM?: () => number } = {},
  ): number {
    const start = this.t + 1;
    const end = this.t + seconds * 1000;
    while (this.t < end) {
      this.t += Math.round((this.everyS[0] + this.rnd() * (this.everyS[1] - this.everyS[0])) * 1000);
      const spike = this.rnd() < (opts.spikes ?? 0);
      const accuracyM = spike ? 150 + this.rnd() * 450 : 5 + this.rnd() * 10;
      let p = destinationPoint(SITE.lat, SITE.lng, this.rnd() * 360, distanceM());
      if (spike && opts.spikeDistanceM)
        p = destinationPoint(SITE.lat, SITE.lng, this.rnd() * 360, opts.spikeDistanceM());
      else if (spike) p = destinationPoint(p.lat, p.lng, this.rnd() * 360, this.rnd() * accuracyM);
      this.pings.push({ seq: this.pings.length + 1, deviceTime: this.t, ...p, accuracyM, mock: opts.mock });
    }
    return start;
  }

  firstAfter(time: number): number {
    return this.pings.find((p) => p.deviceTime >= time)!.deviceTime;
  }
}

function run(radiusM: number, pings: Ping[]): SiteEvent[] {
  const engine = new LocationEngine({ exitDelaySeconds: EXIT_DELAY_S });
  engine.setTenantSettings('t1', { minOnSiteSeconds: MIN_ON_SITE_S });
  engine.upsertFence({
    id: 'job:j1',
    tenantId: 't1',
    jobId: 'j1',
    workerIds: new Set(['w1']),
    shape: { kind: 'circle', ...SITE, radiusM },
  });
  // Delivered in small batches, as a phone streams them.
  const events: SiteEvent[] = [];
  for (let i = 0; i < pings.length; i += 3) {
    const batch = pings.slice(i, i + 3);
    events.push(...engine.ingest('t1', 'd1', 'w1', batch, batch[batch.length - 1].deviceTime + 1000).events);
  }
  return events;
}

const radiusArb = fc.integer({ min: 30, max: 300 });

describe('a jitter trace at the fence edge', () => {
  it('after a genuine arrival, ±15 m of jitter across the edge and accuracy spikes give no departure until the worker leaves', () => {
    fc.assert(
      fc.property(radiusArb, fc.integer(), fc.integer({ min: 10, max: 90 }), (radiusM, seed, hoverMin) => {
        const rnd = prng(seed);
        const trace = new Trace(rnd);
        trace.stay(600, () => radiusM + 500 + rnd() * 1000);
        const arrived = trace.firstAfter(trace.stay(600, () => rnd() * radiusM * 0.6));
        trace.stay(hoverMin * 60, () => radiusM - 15 + rnd() * 30, { spikes: 0.1 });
        const leftAt = trace.t;
        trace.stay(600, () => radiusM * 1.5 + 25 + 50 + rnd() * 1000);
        const departed = trace.firstAfter(leftAt + 1);

        const events = run(radiusM, trace.pings).map((e) => [e.kind, e.at]);

        expect(events).toEqual([
          ['arrived', arrived],
          ['departed', departed],
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it('gives no arrival when each visit is shorter than the minimum on-site time, jitter and spikes included', () => {
    fc.assert(
      fc.property(radiusArb, fc.integer(), fc.integer({ min: 1, max: 8 }), (radiusM, seed, visits) => {
        const rnd = prng(seed);
        // One fix every 5–15 s, so even a 100 s visit has several inside fixes.
        const trace = new Trace(rnd, [5, 15]);
        for (let v = 0; v < visits; v++) {
          trace.stay(60 + rnd() * 600, () => radiusM * 1.5 + 80 + rnd() * 2000, { spikes: 0.1 });
          // Inside or hovering across the edge, for less than the minimum (the last fix included).
          const inside = rnd() < 0.5 ? () => rnd() * radiusM * 0.9 : () => radiusM - 15 + rnd() * 30;
          trace.stay(20 + rnd() * (MIN_ON_SITE_S - 40), inside);
        }
        trace.stay(600, () => radiusM * 1.5 + 80 + rnd() * 2000);

        expect(run(radiusM, trace.pings)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('gives no arrival from blurred fixes that land in the fence while the worker is elsewhere', () => {
    fc.assert(
      fc.property(radiusArb, fc.integer(), (radiusM, seed) => {
        const rnd = prng(seed);
        const trace = new Trace(rnd);
        // Parked 100–200 m beyond the band, in a street canyon: most fixes are blurred (150–600 m) and
        // snap into the fence, as fixes from cell towers or reflections do.
        trace.stay(3600, () => radiusM * 1.5 + 25 + 100 + rnd() * 100, {
          spikes: 0.8,
          spikeDistanceM: () => rnd() * radiusM * 0.8,
        });

        expect(run(radiusM, trace.pings)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('gives no arrival from a mock location parked inside the fence', () => {
    const rnd = prng(7);
    const trace = new Trace(rnd);
    trace.stay(3600, () => rnd() * 20, { mock: true });
    expect(run(100, trace.pings)).toEqual([]);
  });
});
