// Fences and their index: zones exact against brute force, candidates never missing a fence, validation naming fields.
import { describe, expect, it } from '@jest/globals';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import { compileFence, type Fence, type FenceShape } from './fence.js';
import { FenceIndex } from './fence-index.js';
import { destinationPoint, distanceToRingM, haversineM, type Ring } from './geo.js';

function destination(lat0: number, lng0: number, bearingDeg: number, distanceM: number): [number, number] {
  const p = destinationPoint(lat0, lng0, bearingDeg, distanceM);
  return [p.lat, p.lng];
}

const fence = (id: string, shape: FenceShape, extra: Partial<Fence> = {}): Fence => ({
  id,
  tenantId: 't1',
  workerIds: 'any',
  shape,
  ...extra,
});

const centreArb = fc.oneof(
  fc.tuple(fc.double({ min: 48.7, max: 49, noNaN: true }), fc.double({ min: 2.2, max: 2.5, noNaN: true })),
  fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(179.99, -179.99, 180)),
  fc.tuple(fc.double({ min: 79, max: 80, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true })),
);

const shapeArb: fc.Arbitrary<FenceShape> = fc.oneof(
  fc
    .tuple(centreArb, fc.double({ min: 5, max: 3000, noNaN: true }))
    .map(([[lat, lng], radiusM]) => ({ kind: 'circle' as const, lat, lng, radiusM })),
  fc
    .tuple(centreArb, fc.array(fc.double({ min: 20, max: 1500, noNaN: true }), { minLength: 3, maxLength: 10 }))
    .map(([[lat, lng], radii]) => ({
      kind: 'polygon' as const,
      ring: radii.map((r, i) => {
        const [la, ln] = destination(lat, lng, (360 * i) / radii.length + 7, r);
        return [ln, la] as [number, number];
      }),
    })),
);

/** Brute-force distance outside a shape (0 inside), independent of the index code (turf for polygons). */
function outsideBy(shape: FenceShape, lat: number, lng: number): number {
  if (shape.kind === 'circle') return Math.max(0, haversineM(shape.lat, shape.lng, lat, lng) - shape.radiusM);
  const lng0 = shape.ring[0][0];
  const unwrap = (x: number) => (x - lng0 > 180 ? x - 360 : x - lng0 < -180 ? x + 360 : x);
  const ring = [...shape.ring, shape.ring[0]].map(([x, y]) => [unwrap(x), y]);
  const inside = booleanPointInPolygon([unwrap(lng), lat], { type: 'Polygon', coordinates: [ring] });
  return inside ? 0 : distanceToRingM(shape.ring, lat, lng);
}

describe('FenceIndex.candidates', () => {
  it('lists every fence a point is inside or in the band of, zones agree with brute force, near() with both', () => {
    fc.assert(
      fc.property(
        fc.array(shapeArb, { minLength: 1, maxLength: 30 }),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.double({ min: 0, max: 360, noNaN: true }),
            fc.double({ min: 0, max: 5000, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.constantFrom(1000, 2000, 20_000),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        (shapes, probes, cellM, extraM) => {
          const index = new FenceIndex({ cellM, maxCellsPerFence: 64 });
          const compiled = shapes.map((s, i) => index.upsert(fence(`f${i}`, s)));
          for (const [pick, bearing, dist] of probes) {
            const s = shapes[pick % shapes.length];
            const [clat, clng] = s.kind === 'circle' ? [s.lat, s.lng] : [s.ring[0][1], s.ring[0][0]];
            const [lat, lng] = destination(clat, clng, bearing, dist);
            const plain = new Set(index.candidates(lat, lng).map((f) => f.id));
            const near = index.near(lat, lng).map((h) => `${h.fence.id}:${h.zone}`);
            const viaCandidates = index
              .candidates(lat, lng)
              .map((f) => `${f.id}:${f.zone(lat, lng)}`)
              .filter((z) => !z.endsWith(':outside'));
            expect(near.sort()).toEqual(viaCandidates.sort());
            const wide = new Set(index.candidates(lat, lng, extraM).map((f) => f.id));
            shapes.forEach((shape, i) => {
              const c = compiled[i];
              const off = outsideBy(shape, lat, lng);
              const nearEdge =
                Math.abs(off) < 1e-3 || Math.abs(off - c.marginM) < 1e-3 || Math.abs(off - extraM) < 1e-3;
              if (off <= c.marginM) expect(plain.has(c.id)).toBe(true);
              if (off <= c.marginM + extraM) expect(wide.has(c.id)).toBe(true);
              if (!nearEdge) {
                expect(c.zone(lat, lng)).toBe(off === 0 ? 'inside' : off <= c.marginM ? 'band' : 'outside');
                expect(index.inside(c, lat, lng, extraM)).toBe(off <= extraM);
              }
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tests only the few fences near a point among many', () => {
    const index = new FenceIndex();
    for (let i = 0; i < 10_000; i++) {
      index.upsert(
        fence(`f${i}`, {
          kind: 'circle',
          lat: 48.5 + (i % 100) * 0.01,
          lng: 2 + Math.floor(i / 100) * 0.01,
          radiusM: 100,
        }),
      );
    }
    const found = index.candidates(48.9, 2.5);
    expect(found.length).toBeLessThanOrEqual(4);
    expect(found.map((f) => f.id)).toContain('f5040');
  });

  it('moves a fence on upsert, forgets it on remove, and keeps huge fences in the short list', () => {
    const index = new FenceIndex({ maxCellsPerFence: 100 });
    index.upsert(fence('job:1', { kind: 'circle', lat: 10, lng: 10, radiusM: 100 }));
    index.upsert(fence('job:1', { kind: 'circle', lat: 20, lng: 20, radiusM: 100 }));
    expect(index.candidates(10, 10)).toEqual([]);
    expect(index.candidates(20, 20).map((f) => f.id)).toEqual(['job:1']);
    index.upsert(fence('city', { kind: 'circle', lat: 20, lng: 20, radiusM: 50_000 }));
    expect(index.candidates(20.3, 20.3).map((f) => f.id)).toEqual(['city']);
    expect(index.remove('job:1')).toBe(true);
    expect(index.remove('city')).toBe(true);
    expect(index.remove('city')).toBe(false);
    expect(index.candidates(20, 20)).toEqual([]);
    expect(index.size).toBe(0);
  });

  it('changes who a fence watches without moving it', () => {
    const index = new FenceIndex();
    index.upsert(fence('job:1', { kind: 'circle', lat: 10, lng: 10, radiusM: 100 }, { workerIds: new Set(['w1']) }));
    expect(index.get('job:1')?.watches('w1')).toBe(true);
    expect(index.get('job:1')?.watches('w2')).toBe(false);
    index.setWorkers('job:1', new Set(['w2']));
    expect(index.candidates(10, 10)[0].watches('w2')).toBe(true);
    expect(index.setWorkers('nope', 'any')).toBeUndefined();
  });
});

describe('compileFence', () => {
  it('takes the default band as max(25 m, half the radius) unless given', () => {
    expect(compileFence(fence('a', { kind: 'circle', lat: 0, lng: 0, radiusM: 30 })).marginM).toBe(25);
    expect(compileFence(fence('b', { kind: 'circle', lat: 0, lng: 0, radiusM: 200 })).marginM).toBe(100);
    expect(
      compileFence(fence('c', { kind: 'circle', lat: 0, lng: 0, radiusM: 200 }, { exitMarginM: 40 })).marginM,
    ).toBe(40);
  });

  it('refuses bad fences naming the field', () => {
    const bad: Array<[Omit<Partial<Fence>, 'shape'> & { shape?: unknown }, string]> = [
      [{ id: '' }, 'id'],
      [{ shape: { kind: 'circle', lat: 95, lng: 0, radiusM: 10 } }, 'shape.lat'],
      [{ shape: { kind: 'circle', lat: 0, lng: 0, radiusM: 0 } }, 'shape.radiusM'],
      [{ shape: { kind: 'circle', lat: 0, lng: 0, radiusM: Number.NaN } }, 'shape.radiusM'],
      [
        {
          shape: {
            kind: 'polygon',
            ring: [
              [0, 0],
              [1, 1],
              [0, 0],
            ],
          },
        },
        'shape.ring',
      ],
      [
        {
          shape: {
            kind: 'polygon',
            ring: [
              [0, 0],
              [1, 1],
              [2, 2],
            ],
          },
        },
        'shape.ring',
      ],
      [
        {
          shape: {
            kind: 'polygon',
            ring: [
              [0, 0],
              [1, 200],
              [2, 0],
            ],
          },
        },
        'shape.ring[1]',
      ],
      [
        {
          shape: {
            kind: 'polygon',
            ring: [
              [0, 88],
              [1, 88],
              [1, 89],
            ],
          },
        },
        'shape.ring[0]',
      ],
      [{ shape: { kind: 'square' } }, 'shape'],
      [{ exitMarginM: -1 }, 'exitMarginM'],
      [{ workerIds: ['w1'] as unknown as Set<string> }, 'workerIds'],
    ];
    for (const [patch, field] of bad) {
      const f = { ...fence('x', { kind: 'circle', lat: 0, lng: 0, radiusM: 10 }), ...patch } as unknown as Fence;
      expect(() => compileFence(f)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field }));
    }
  });

  it('sizes a polygon as the radius of the circle of equal area', () => {
    const [n] = destination(0, 0, 0, 100);
    const [, e] = destination(0, 0, 90, 100);
    const square: Ring = [
      [-e, -n],
      [e, -n],
      [e, n],
      [-e, n],
    ];
    expect(compileFence(fence('sq', { kind: 'polygon', ring: square })).sizeM).toBeCloseTo(
      Math.sqrt(40_000 / Math.PI),
      0,
    );
  });
});
