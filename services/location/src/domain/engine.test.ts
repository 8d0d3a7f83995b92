// The engine end to end in memory: ingest → positions and site events; settings, fences, shifts; nearest; restore.
import { describe, expect, it } from '@jest/globals';
import { type IngestResult, LocationEngine } from './engine.js';
import type { Fence } from './fence.js';
import { destinationPoint } from './geo.js';
import type { Ping } from './ping.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const SITE = { lat: 48.8566, lng: 2.3522 };
const jobFence = (workerIds: ReadonlySet<string> | 'any' = new Set(['w1'])): Fence => ({
  id: 'job:j1',
  tenantId: 't1',
  jobId: 'j1',
  customerId: 'c1',
  workerIds,
  shape: { kind: 'circle', ...SITE, radiusM: 100 },
});

/** A ping `metres` east of the site, `sec` seconds after T0, with seq n. */
const at = (seq: number, sec: number, metres: number, extra: Partial<Ping> = {}): Ping => {
  const p = destinationPoint(SITE.lat, SITE.lng, 90, metres);
  return { seq, deviceTime: T0 + sec * 1000, lat: p.lat, lng: p.lng, accuracyM: 10, ...extra };
};

/** One ping every 30 s from `offset` s on, 31 in all: 20 m from the site from `inSec` to `outSec`, 2 km away otherwise. */
const trip = (inSec: number, outSec: number, offset = 0): Ping[] =>
  Array.from({ length: 31 }, (_, i) => {
    const sec = offset + i * 30;
    return at(i + 1, sec, sec >= inSec && sec <= outSec ? 20 : 2000);
  });

/** A visit: far, inside from 60 s to 600 s, then far again. One ping every 30 s. */
const visit = (): Ping[] => trip(60, 600);

const kinds = (r: IngestResult) => r.events.map((e) => `${e.kind}@${(e.at - T0) / 1000}`);

function engineWithFence(fence = jobFence()) {
  const engine = new LocationEngine();
  engine.upsertFence(fence);
  return engine;
}

describe('LocationEngine.ingest', () => {
  it('declares arrival after the minimum on-site time and departure after the exit delay, at device times', () => {
    const engine = engineWithFence();

    const r = engine.ingest('t1', 'd1', 'w1', visit(), T0 + 1_000_000);

    expect(kinds(r)).toEqual(['arrived@60', 'departed@630']);
    expect(r.events[0]).toMatchObject({
      tenantId: 't1',
      workerId: 'w1',
      deviceId: 'd1',
      fenceId: 'job:j1',
      jobId: 'j1',
      customerId: 'c1',
    });
    expect(r).toMatchObject({ applied: 31, duplicates: 0, ackedSeq: 31, positionsChanged: true, rejected: [] });
    expect(r.newPings).toHaveLength(31);
    expect(r.position?.deviceTime).toBe(T0 + 900_000);
  });

  it('drops duplicates, rejects bad pings with a reason and still acknowledges past them', () => {
    const engine = engineWithFence();
    engine.ingest('t1', 'd1', 'w1', [at(1, 0, 2000), at(2, 30, 2000)], T0 + 60_000);

    const r = engine.ingest(
      't1',
      'd1',
      'w1',
      [at(2, 30, 2000), { ...at(3, 60, 20), lat: 91 }, at(4, 90, 20)],
      T0 + 90_000,
    );

    expect(r).toMatchObject({ applied: 1, duplicates: 1, ackedSeq: 4 });
    expect(r.rejected).toEqual([{ seq: 3, field: 'lat', reason: expect.any(String) }]);
    expect(r.newPings.map((p) => p.seq)).toEqual([4]);
  });

  it('moves the position to the newest fix at once, even beyond a gap, and never back', () => {
    const engine = engineWithFence();
    engine.ingest('t1', 'd1', 'w1', [at(1, 0, 2000)], T0);

    const ahead = engine.ingest('t1', 'd1', 'w1', [at(3, 60, 20)], T0 + 60_000);
    const behind = engine.ingest('t1', 'd1', 'w1', [at(2, 30, 500)], T0 + 61_000);

    expect(ahead).toMatchObject({ applied: 0, ackedSeq: 1, positionsChanged: true });
    expect(behind).toMatchObject({ applied: 2, ackedSeq: 3, positionsChanged: false });
    expect(engine.position('t1', 'w1')?.deviceTime).toBe(T0 + 60_000);
  });

  it('produces no events while auto-logging is off, and starts afresh when it is back on', () => {
    const engine = engineWithFence();
    engine.setTenantSettings('t1', { autoLoggingEnabled: false });
    const pings = visit();
    expect(engine.ingest('t1', 'd1', 'w1', pings.slice(0, 10), T0 + 300_000).events).toEqual([]);

    engine.setTenantSettings('t1', { autoLoggingEnabled: true });
    const r = engine.ingest('t1', 'd1', 'w1', pings.slice(10), T0 + 1_000_000);

    // The first fix after turning it back on starts the dwell.
    expect(kinds(r)).toEqual(['arrived@300', 'departed@630']);
  });

  it('honours the tenant minimum on-site time', () => {
    const engine = engineWithFence();
    engine.setTenantSettings('t1', { minOnSiteSeconds: 600 });
    expect(engine.ingest('t1', 'd1', 'w1', visit(), T0 + 1_000_000).events).toEqual([]);
    expect(() => engine.setTenantSettings('t1', { minOnSiteSeconds: -1 })).toThrow(
      expect.objectContaining({ field: 'minOnSiteSeconds' }),
    );
  });

  it('watches job fences for their assignees only, and drops a worker taken off the job silently', () => {
    const engine = engineWithFence();
    const pings = visit();
    expect(engine.ingest('t1', 'd2', 'w2', pings, T0 + 1_000_000).events).toEqual([]);

    expect(kinds(engine.ingest('t1', 'd1', 'w1', pings.slice(0, 10), T0 + 300_000))).toEqual(['arrived@60']);
    expect(engine.setFenceWorkers('t1', 'job:j1', new Set(['w2']))).toBe(true);
    expect(engine.ingest('t1', 'd1', 'w1', pings.slice(10), T0 + 1_000_000).events).toEqual([]);
  });

  it('forgets presence at a removed fence without a departure', () => {
    const engine = engineWithFence();
    const pings = visit();
    engine.ingest('t1', 'd1', 'w1', pings.slice(0, 10), T0 + 300_000);
    expect(engine.removeFence('t1', 'job:j1')).toBe(true);
    expect(engine.ingest('t1', 'd1', 'w1', pings.slice(10), T0 + 1_000_000).events).toEqual([]);
    expect(engine.snapshotDevice('t1', 'd1')?.presence).toEqual({});
  });

  it('keeps tenants apart', () => {
    const engine = engineWithFence();
    expect(engine.ingest('t2', 'd1', 'w1', visit(), T0 + 1_000_000).events).toEqual([]);
    expect(engine.positions('t2')).toHaveLength(1);
    expect(engine.positions('t1')).toHaveLength(0);
  });

  it('lets a gap nobody fills go on tick (wall clock), declaring what the waiting pings show', () => {
    const engine = engineWithFence();
    const pings = visit();
    engine.ingest('t1', 'd1', 'w1', pings.slice(0, 2), T0 + 30_000);
    // seq 3 never comes; 4..10 (three minutes of device time, less than the gap timeout) wait behind it.
    const r = engine.ingest('t1', 'd1', 'w1', pings.slice(3, 10), T0 + 300_000);
    expect(r).toMatchObject({ applied: 0, ackedSeq: 2, events: [] });

    expect(engine.tick(T0 + 300_000 + 300_000)).toEqual([]);
    const events = engine.tick(T0 + 300_000 + 300_001);

    expect(events.map((e) => `${e.kind}@${(e.at - T0) / 1000}`)).toEqual(['arrived@90']);
    expect(engine.ingest('t1', 'd1', 'w1', [pings[2]], T0 + 700_000)).toMatchObject({
      late: 1,
      applied: 0,
      ackedSeq: 10,
    });
  });

  it('orders seq-less (Traccar) pings by device time within the reorder window', () => {
    const engine = engineWithFence();
    const pings = visit().map(({ seq: _seq, ...p }) => p);
    const shuffled = [pings[1], pings[0], pings[3], pings[2], ...pings.slice(4)];

    const r = engine.ingest('t1', 'd1', 'w1', shuffled, T0 + 1_000_000, { seqLess: true });
    const again = engine.ingest('t1', 'd1', 'w1', pings.slice(0, 5), T0 + 1_000_000, { seqLess: true });

    expect(kinds(r)).toEqual(['arrived@60', 'departed@630']);
    expect(r.ackedSeq).toBe(0);
    expect(again.duplicates).toBe(5);
    expect(engine.ingest('t1', 'd1', 'w1', [at(99, 999, 0)], T0 + 1_000_000).rejected[0]).toMatchObject({
      field: 'seq',
    });
  });

  it('resumes exactly from a snapshot on another instance, mid-dwell and mid-gap', () => {
    const pings = visit();
    const whole = engineWithFence();
    const expected = [
      ...whole.ingest('t1', 'd1', 'w1', [...pings.slice(0, 6), ...pings.slice(7, 12)], T0 + 400_000).events,
      ...whole.ingest('t1', 'd1', 'w1', [pings[6], ...pings.slice(12)], T0 + 1_000_000).events,
    ];

    const first = engineWithFence();
    first.ingest('t1', 'd1', 'w1', [...pings.slice(0, 6), ...pings.slice(7, 12)], T0 + 400_000);
    const saved = JSON.parse(JSON.stringify(first.snapshotDevice('t1', 'd1')));
    const second = engineWithFence();
    second.restoreDevice('t1', 'd1', saved);
    const events = second.ingest('t1', 'd1', 'w1', [pings[6], ...pings.slice(12)], T0 + 1_000_000).events;

    expect(events).toEqual(expected);
    expect(events.map((e) => e.kind)).toEqual(['arrived', 'departed']);
  });
});

describe('LocationEngine: a worker with two phones', () => {
  /** The van: parked 400 m east of the site (well beyond the fence and its band) the whole time. */
  const van = (): Ping[] => Array.from({ length: 31 }, (_, i) => at(i + 1, i * 30 + 5, 400));
  const now = T0 + 1_000_000;

  /** Both phones' pings as they would come in, a few at a time, alternating. */
  function interleave(engine: LocationEngine, a: [string, Ping[]], b: [string, Ping[]]) {
    const events: string[] = [];
    for (let i = 0; i < 31; i += 3) {
      for (const [deviceId, pings] of [a, b]) {
        const r = engine.ingest('t1', deviceId, 'w1', pings.slice(i, i + 3), now);
        events.push(...r.events.map((e) => `${e.kind}@${(e.at - T0) / 1000} ${e.deviceId}`));
      }
    }
    return events;
  }

  it('arrives and departs with the phone on site while the other one stays in the van outside', () => {
    const engine = engineWithFence();

    const events = interleave(engine, ['pocket', visit()], ['van', van()]);

    expect(events).toEqual(['arrived@60 pocket', 'departed@630 pocket']);
  });

  it('reports one visit when both phones go in, from the first to arrive until the last has left', () => {
    const engine = engineWithFence();
    // The second phone comes in about a minute after the first and leaves about two minutes after it.
    const late = trip(120, 720, 5);

    const events = interleave(engine, ['one', visit()], ['two', late]);

    expect(events).toEqual(['arrived@60 one', 'departed@725 two']);
  });

  it('stores each phone’s presence with its own stream, so restoring one never overwrites the other', () => {
    const engine = engineWithFence();
    interleave(engine, ['pocket', visit().slice(0, 15)], ['van', van().slice(0, 15)]);
    const pocket = JSON.parse(JSON.stringify(engine.snapshotDevice('t1', 'pocket')));
    const vanSaved = JSON.parse(JSON.stringify(engine.snapshotDevice('t1', 'van')));
    expect(Object.keys(pocket.presence)).toEqual(['job:j1']);
    expect(vanSaved.presence).toEqual({});

    // Another replica restores both (in either order) and sees the rest of the visit.
    const other = engineWithFence();
    other.restoreDevice('t1', 'pocket', pocket);
    other.restoreDevice('t1', 'van', vanSaved);
    const rest = visit().slice(15);
    const events = other.ingest('t1', 'pocket', 'w1', rest, now).events;

    expect(events.map((e) => `${e.kind}@${(e.at - T0) / 1000}`)).toEqual(['departed@630']);
  });
});

describe('LocationEngine.nearest', () => {
  function fleet() {
    const engine = new LocationEngine();
    const place = (workerId: string, metres: number, ageSec = 0) => {
      const p = destinationPoint(SITE.lat, SITE.lng, 45, metres);
      engine.ingest('t1', `d-${workerId}`, workerId, [{ seq: 1, deviceTime: T0 - ageSec * 1000, ...p }], T0);
    };
    place('available', 300);
    place('busy', 100);
    place('off', 50);
    place('stale', 200, 600);
    place('plumber', 400);
    place('far', 30_000);
    for (const w of ['available', 'busy', 'stale']) engine.setShift('t1', w, { onShift: true, skills: ['electric'] });
    engine.setShift('t1', 'plumber', { onShift: true, skills: ['plumbing'] });
    engine.setBusy('t1', 'busy', true);
    return engine;
  }

  it('lists workers by distance with their status', () => {
    const found = fleet().nearest('t1', { ...SITE, radiusM: 25_000 }, T0);
    expect(found.map((w) => [w.workerId, w.status])).toEqual([
      ['off', 'off_shift'],
      ['busy', 'busy'],
      ['stale', 'stale'],
      ['available', 'available'],
      ['plumber', 'available'],
    ]);
    expect(found[0].distanceM).toBeCloseTo(50, 6);
    expect(found[3].skills).toEqual(['electric']);
  });

  it('keeps only available workers with the skill when asked', () => {
    const engine = fleet();
    const pick = (q: { skill?: string; availableOnly?: boolean; limit?: number }) =>
      engine.nearest('t1', { ...SITE, radiusM: 25_000, ...q }, T0).map((w) => w.workerId);
    expect(pick({ availableOnly: true })).toEqual(['available', 'plumber']);
    expect(pick({ availableOnly: true, skill: 'electric' })).toEqual(['available']);
    expect(pick({ skill: 'electric' })).toEqual(['busy', 'stale', 'available']);
    expect(pick({ limit: 2 })).toEqual(['off', 'busy']);
    engine.setBusy('t1', 'busy', false);
    expect(pick({ availableOnly: true, limit: 1 })).toEqual(['busy']);
  });

  it('refuses when dispatch is off, and names bad query fields', () => {
    const engine = fleet();
    expect(() => engine.nearest('t1', { lat: 91, lng: 0, radiusM: 1 }, T0)).toThrow(
      expect.objectContaining({ field: 'lat' }),
    );
    expect(() => engine.nearest('t1', { ...SITE, radiusM: 0 }, T0)).toThrow(
      expect.objectContaining({ field: 'radiusM' }),
    );
    expect(() => engine.nearest('t1', { ...SITE, radiusM: 1, limit: 0 }, T0)).toThrow(
      expect.objectContaining({ field: 'limit' }),
    );
    engine.setTenantSettings('t1', { dispatchEnabled: false });
    expect(() => engine.nearest('t1', { ...SITE, radiusM: 1000 }, T0)).toThrow(
      expect.objectContaining({ code: 'DISPATCH_DISABLED' }),
    );
  });

  it('takes positions seen by another replica, newest wins', () => {
    const engine = new LocationEngine();
    const pos = {
      workerId: 'w1',
      deviceId: 'd1',
      ...SITE,
      accuracyM: 5,
      speedMps: -1,
      headingDeg: -1,
      batteryPct: 50,
      deviceTime: T0,
      receivedAt: T0,
    };
    expect(engine.observePosition('t1', pos)).toBe(true);
    expect(engine.observePosition('t1', { ...pos, lat: 0, deviceTime: T0 - 1 })).toBe(false);
    engine.setShift('t1', 'w1', { onShift: true, skills: [] });
    expect(engine.nearest('t1', { ...SITE, radiusM: 10 }, T0 + 1000)[0]).toMatchObject({
      workerId: 'w1',
      status: 'available',
    });
    engine.removeWorker('t1', 'w1');
    expect(engine.positions('t1')).toEqual([]);
  });
});
