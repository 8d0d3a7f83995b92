// The worker index: exactly the brute-force nearest-K, anywhere on Earth, while points move and leave.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { haversineM } from './geo.js';
import { type Neighbour, WorkerIndex } from './worker-index.js';

type Region = 'global' | 'antimeridian' | 'north-pole' | 'south-pole' | 'metro';
const REGIONS: Region[] = ['global', 'antimeridian', 'north-pole', 'south-pole', 'metro'];

function pointIn(region: Region): fc.Arbitrary<[number, number]> {
  const d = (min: number, max: number) => fc.double({ min, max, noNaN: true });
  switch (region) {
    case 'global':
      return fc.tuple(d(-90, 90), d(-180, 180));
    case 'antimeridian':
      return fc.tuple(d(-70, 70), fc.oneof(d(179.7, 180), d(-180, -179.7)));
    case 'north-pole':
      return fc.tuple(d(89.5, 90), d(-180, 180));
    case 'south-pole':
      return fc.tuple(d(-90, -89.5), d(-180, 180));
    case 'metro':
      return fc.tuple(d(48.5, 49.2), d(1.8, 2.9));
  }
}

interface Case {
  cellM: number;
  ringsOnly: boolean;
  level: 'auto' | 'fine' | 'coarse';
  points: Array<[number, number]>;
  moves: Array<[number, number, number]>;
  removals: number[];
  queries: Array<{ at: [number, number]; radiusM: number; limit: number; evenOnly: boolean }>;
}

const caseArb: fc.Arbitrary<Case> = fc.constantFrom(...REGIONS).chain((region) =>
  fc
    .record({
      cellM: fc.constantFrom(1000, 5000, 50_000, 300_000),
      ringsOnly: fc.boolean(),
      level: fc.constantFrom<Case['level']>('auto', 'fine', 'coarse'),
      points: fc.array(pointIn(region), { minLength: 0, maxLength: 250 }),
      moveTo: fc.array(pointIn(region), { maxLength: 80 }),
      moveIdx: fc.array(fc.nat(), { maxLength: 80 }),
      removals: fc.array(fc.nat(), { maxLength: 20 }),
      queries: fc.array(
        fc.record({
          at: pointIn(region),
          radiusKm: fc.oneof(
            fc.double({ min: 0.01, max: 5, noNaN: true }),
            fc.double({ min: 5, max: 3000, noNaN: true }),
          ),
          limit: fc.integer({ min: 1, max: 25 }),
          evenOnly: fc.boolean(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map(({ cellM, ringsOnly, level, points, moveTo, moveIdx, removals, queries }) => ({
      cellM,
      ringsOnly,
      level,
      points,
      moves: moveTo.map(([la, ln], i) => [moveIdx[i] ?? i, la, ln] as [number, number, number]),
      removals,
      // A rings-only scan of a huge radius in small cells is slow, not wrong: keep it to ~100 rings.
      queries: queries.map((q) => ({
        at: q.at,
        radiusM: ringsOnly ? Math.min(q.radiusKm * 1000, 100 * cellM) : q.radiusKm * 1000,
        limit: q.limit,
        evenOnly: q.evenOnly,
      })),
    })),
);

/** Compares with brute force, to within float noise: the same K distances, each result truly that far. */
function expectBruteForce(
  got: Array<Neighbour<number>>,
  points: Map<string, { lat: number; lng: number; n: number }>,
  q: { at: [number, number]; radiusM: number; limit: number; evenOnly: boolean },
) {
  const tol = (d: number) => 1e-6 + 1e-9 * d;
  const all = [...points.entries()]
    .filter(([, p]) => !q.evenOnly || p.n % 2 === 0)
    .map(([id, p]) => ({ id, d: haversineM(q.at[0], q.at[1], p.lat, p.lng) }));
  const within = all.filter((p) => p.d <= q.radiusM).sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1));
  const borderline = all.some((p) => Math.abs(p.d - q.radiusM) <= tol(q.radiusM));
  if (!borderline) expect(got.length).toBe(Math.min(q.limit, within.length));
  const ids = new Set<string>();
  got.forEach((g, i) => {
    const p = points.get(g.id)!;
    expect(ids.has(g.id)).toBe(false);
    ids.add(g.id);
    if (q.evenOnly) expect(p.n % 2).toBe(0);
    expect(Math.abs(g.distanceM - haversineM(q.at[0], q.at[1], p.lat, p.lng))).toBeLessThanOrEqual(tol(g.distanceM));
    expect(g.distanceM).toBeLessThanOrEqual(q.radiusM + tol(q.radiusM));
    if (i < within.length) expect(Math.abs(g.distanceM - within[i].d)).toBeLessThanOrEqual(tol(g.distanceM));
    if (i > 0) expect(g.distanceM).toBeGreaterThanOrEqual(got[i - 1].distanceM - tol(g.distanceM));
  });
}

describe('WorkerIndex.nearest', () => {
  it('equals brute force over random points, moves and removals (antimeridian, poles, metro)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const index = new WorkerIndex<number>({ cellM: c.cellM, ringsOnly: c.ringsOnly, level: c.level });
        const truth = new Map<string, { lat: number; lng: number; n: number }>();
        c.points.forEach(([lat, lng], n) => {
          index.upsert(`w${n}`, lat, lng, n);
          truth.set(`w${n}`, { lat, lng, n });
        });
        if (c.points.length > 0) {
          for (const [i, lat, lng] of c.moves) {
            const n = i % c.points.length;
            index.upsert(`w${n}`, lat, lng, n);
            truth.set(`w${n}`, { lat, lng, n });
          }
          for (const i of c.removals) {
            const id = `w${i % c.points.length}`;
            expect(index.remove(id)).toBe(truth.delete(id));
          }
        }
        expect(index.size).toBe(truth.size);
        for (const q of c.queries) {
          const got = index.nearest(q.at[0], q.at[1], {
            radiusM: q.radiusM,
            limit: q.limit,
            filter: q.evenOnly ? (_id, n) => n % 2 === 0 : undefined,
          });
          expectBruteForce(got, truth, q);
        }
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['auto', 0.9, 1.35],
    ['fine', 0.9, 1.35],
    ['coarse', 0.9, 1.35],
    ['auto', 9, 12],
  ] as const)('finds the K nearest among 10,000 points (%s level, %s° × %s°) like brute force', (level, dLat, dLng) => {
    const index = new WorkerIndex<number>({ level });
    const truth = new Map<string, { lat: number; lng: number; n: number }>();
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 10_000; n++) {
      const lat = 44 + rnd() * dLat;
      const lng = -2 + rnd() * dLng;
      index.upsert(`w${n}`, lat, lng, n);
      truth.set(`w${n}`, { lat, lng, n });
    }
    for (let i = 0; i < 40; i++) {
      const q = {
        at: [44 + rnd() * dLat, -2 + rnd() * dLng] as [number, number],
        radiusM: 25_000,
        limit: 10,
        evenOnly: false,
      };
      expectBruteForce(index.nearest(q.at[0], q.at[1], { radiusM: q.radiusM, limit: 10 }), truth, q);
    }
  });

  it('returns results sorted by distance with distances, ties by id', () => {
    const index = new WorkerIndex<string>();
    index.upsert('b', 48.8566, 2.3522, 'b');
    index.upsert('a', 48.8566, 2.3522, 'a');
    index.upsert('far', 48.9, 2.3522, 'far');
    index.upsert('out', 49.5, 2.3522, 'out');

    const got = index.nearest(48.8566, 2.3522, { radiusM: 25_000, limit: 10 });

    expect(got.map((g) => g.id)).toEqual(['a', 'b', 'far']);
    expect(got[0].distanceM).toBe(0);
    expect(got[2].distanceM).toBeCloseTo(haversineM(48.8566, 2.3522, 48.9, 2.3522), 6);
  });

  it('sees across the antimeridian and over the pole', () => {
    const index = new WorkerIndex<null>();
    index.upsert('east', 0, 179.999, null);
    index.upsert('west', 0, -179.999, null);
    index.upsert('pole-a', 89.999, 0, null);
    index.upsert('pole-b', 89.999, 180, null);

    expect(
      index
        .nearest(0, -180, { radiusM: 1000 })
        .map((g) => g.id)
        .sort(),
    ).toEqual(['east', 'west']);
    // 0.001° from the pole on opposite meridians: 222 m apart, straight over the pole.
    const overPole = index.nearest(89.999, 0, { radiusM: 1000 });
    expect(overPole.map((g) => g.id)).toEqual(['pole-a', 'pole-b']);
    expect(overPole[1].distanceM).toBeCloseTo(222.4, 1);
    expect(index.nearest(89.999, 0, { radiusM: 200 }).map((g) => g.id)).toEqual(['pole-a']);
    expect(
      index
        .nearest(90, 45, { radiusM: 112 })
        .map((g) => g.id)
        .sort(),
    ).toEqual(['pole-a', 'pole-b']);
  });

  it('moves a point within and across cells, and forgets removed ones', () => {
    const index = new WorkerIndex<number>();
    index.upsert('w', 10, 10, 1);
    index.upsert('w', 10.0001, 10, 2);
    expect(index.get('w')).toEqual({ id: 'w', lat: 10.0001, lng: 10, data: 2 });
    index.upsert('w', 20, 20, 3);
    expect(index.nearest(10, 10, { radiusM: 50_000 })).toEqual([]);
    expect(index.nearest(20, 20, { radiusM: 1 }).map((g) => g.data)).toEqual([3]);
    expect(index.remove('w')).toBe(true);
    expect(index.remove('w')).toBe(false);
    expect(index.size).toBe(0);
    expect(index.nearest(20, 20, { radiusM: 1 })).toEqual([]);
  });

  it('refuses coordinates and options that would corrupt or mean nothing', () => {
    const index = new WorkerIndex<null>();
    expect(() => index.upsert('w', 91, 0, null)).toThrow(RangeError);
    expect(() => index.upsert('w', 0, Number.NaN, null)).toThrow(RangeError);
    expect(() => index.nearest(0, 0, { radiusM: -1 })).toThrow(RangeError);
    expect(() => index.nearest(0, 0, { limit: 0 })).toThrow(RangeError);
    expect(index.size).toBe(0);
  });
});
