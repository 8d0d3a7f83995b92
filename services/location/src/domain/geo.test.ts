// Geometry: distances against known values and each other, the proven equirectangular bounds, boxes, polygons vs turf.
import { describe, expect, it } from '@jest/globals';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import {
  bboxContains,
  bboxIntersects,
  checkLatLng,
  chordSquaredForM,
  circleBBox,
  destinationPoint,
  distanceToRingM,
  EARTH_RADIUS_M,
  equirectangularBoundsM,
  equirectangularM,
  expandBBox,
  haversineM,
  metresForChordSquared,
  pointInRing,
  type Ring,
  ringBBox,
  toUnitVector,
} from './geo.js';

const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lng = fc.double({ min: -180, max: 180, noNaN: true });
const RAD = Math.PI / 180;

function destination(lat0: number, lng0: number, bearingDeg: number, distanceM: number): [number, number] {
  const p = destinationPoint(lat0, lng0, bearingDeg, distanceM);
  return [p.lat, p.lng];
}

describe('destinationPoint', () => {
  it('lands at the given distance, east across the antimeridian and north over the pole', () => {
    fc.assert(
      fc.property(
        lat,
        lng,
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.double({ min: 0, max: 5_000_000, noNaN: true }),
        (a, b, bearing, dist) => {
          const p = destinationPoint(a, b, bearing, dist);
          expect(Math.abs(haversineM(a, b, p.lat, p.lng) - dist)).toBeLessThanOrEqual(1e-3 + 1e-9 * dist);
        },
      ),
      { numRuns: 3000 },
    );
    expect(destinationPoint(0, 179.99, 90, 2 * 0.01 * RAD * EARTH_RADIUS_M).lng).toBeCloseTo(-179.99, 9);
    expect(destinationPoint(89.99, 0, 0, 2 * 0.01 * RAD * EARTH_RADIUS_M)).toMatchObject({
      lat: expect.closeTo(89.99, 9),
    });
    expect(Math.abs(destinationPoint(89.99, 0, 0, 2 * 0.01 * RAD * EARTH_RADIUS_M).lng)).toBeCloseTo(180, 6);
  });
});

describe('checkLatLng', () => {
  it('accepts the whole range and names the field it refuses', () => {
    expect(checkLatLng(90, 180)).toBeUndefined();
    expect(checkLatLng(-90, -180)).toBeUndefined();
    expect(checkLatLng(90.0001, 0)).toMatchObject({ field: 'lat' });
    expect(checkLatLng(0, -180.5)).toMatchObject({ field: 'lng' });
    expect(checkLatLng(Number.NaN, 0)).toMatchObject({ field: 'lat' });
    expect(checkLatLng(0, Number.POSITIVE_INFINITY)).toMatchObject({ field: 'lng' });
    expect(checkLatLng('1' as unknown as number, 0)).toMatchObject({ field: 'lat' });
  });
});

describe('haversineM', () => {
  it('matches known distances', () => {
    expect(haversineM(0, 0, 0, 1)).toBeCloseTo(EARTH_RADIUS_M * RAD, 6);
    expect(haversineM(90, 0, -90, 0)).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
    // Paris Notre-Dame to London Charing Cross, ~343.9 km on this sphere.
    expect(haversineM(48.853, 2.3499, 51.5073, -0.1276) / 1000).toBeCloseTo(343.9, 0);
  });

  it('crosses the antimeridian and the poles as if they were not there', () => {
    expect(haversineM(10, 179.999, 10, -179.999)).toBeCloseTo(haversineM(10, -0.001, 10, 0.001), 6);
    expect(haversineM(89.99, 0, 89.99, 180)).toBeCloseTo(2 * 0.01 * RAD * EARTH_RADIUS_M, 3);
    expect(haversineM(-90, 12, -90, -150)).toBeCloseTo(0, 6);
  });

  it('is the same distance as the chord between unit vectors', () => {
    fc.assert(
      fc.property(lat, lng, lat, lng, (a, b, c, d) => {
        const u = toUnitVector(a, b);
        const v = toUnitVector(c, d);
        const c2 = (u.x - v.x) ** 2 + (u.y - v.y) ** 2 + (u.z - v.z) ** 2;
        const h = haversineM(a, b, c, d);
        // Both lose precision near antipodes (asin near 1): a metre in 20,000 km.
        expect(Math.abs(metresForChordSquared(c2) - h)).toBeLessThanOrEqual(1e-3 + 1e-7 * h);
      }),
      { numRuns: 2000 },
    );
    expect(chordSquaredForM(0)).toBe(0);
    expect(chordSquaredForM(Number.POSITIVE_INFINITY)).toBe(4);
    expect(metresForChordSquared(chordSquaredForM(25_000))).toBeCloseTo(25_000, 6);
  });
});

describe('equirectangular approximation', () => {
  it('is within its proven bounds of the true distance, everywhere and at any distance', () => {
    fc.assert(
      fc.property(lat, lng, lat, lng, (a, b, c, d) => {
        const { lowerM, upperM } = equirectangularBoundsM(a, b, c, d);
        const true_ = haversineM(a, b, c, d);
        expect(lowerM).toBeLessThanOrEqual(true_ + 1e-6);
        expect(upperM).toBeGreaterThanOrEqual(true_ - 1e-6);
      }),
      { numRuns: 5000 },
    );
  });

  it('is tight at metro distances, also near the antimeridian and at high latitudes', () => {
    const nearby = fc.tuple(
      fc.double({ min: -80, max: 80, noNaN: true }),
      lng,
      fc.double({ min: 0, max: 360, noNaN: true }),
      fc.double({ min: 0, max: 50_000, noNaN: true }),
    );
    fc.assert(
      fc.property(nearby, ([a, b, bearing, dist]) => {
        const [c, d] = destination(a, b, bearing, dist);
        const { approxM, lowerM, upperM } = equirectangularBoundsM(a, b, c, d);
        const true_ = haversineM(a, b, c, d);
        expect(lowerM).toBeLessThanOrEqual(true_ + 1e-6);
        expect(upperM).toBeGreaterThanOrEqual(true_ - 1e-6);
        // Within 0.2 % (plus a millimetre) for 50 km up to 80° of latitude.
        expect(Math.abs(approxM - true_)).toBeLessThanOrEqual(0.002 * true_ + 1e-3);
        expect(upperM - lowerM).toBeLessThanOrEqual(0.005 * true_ + 1e-3);
      }),
      { numRuns: 5000 },
    );
    expect(equirectangularM(0, 179.9, 0, -179.9)).toBeCloseTo(haversineM(0, 179.9, 0, -179.9), 3);
  });
});

describe('circleBBox', () => {
  it('holds every point of the circle', () => {
    const circle = fc.tuple(
      lat,
      lng,
      fc.double({ min: 1, max: 3_000_000, noNaN: true }),
      fc.double({ min: 0, max: 360, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    );
    fc.assert(
      fc.property(circle, ([a, b, r, bearing, f]) => {
        const box = circleBBox(a, b, r);
        const [c, d] = destination(a, b, bearing, r * f);
        expect(bboxContains(box, c, d)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('crosses the antimeridian as a wrapped box and takes all longitudes around a pole', () => {
    const wrapped = circleBBox(0, 179.99, 5000);
    expect(wrapped.west).toBeGreaterThan(wrapped.east);
    expect(bboxContains(wrapped, 0, -179.99)).toBe(true);
    expect(bboxContains(wrapped, 0, 179)).toBe(false);
    const polar = circleBBox(89.99, 0, 5000);
    expect(polar).toMatchObject({ north: 90, west: -180, east: 180 });
  });

  it('grows and intersects boxes across the antimeridian', () => {
    const a = { south: 0, north: 1, west: 179, east: -179 };
    expect(bboxIntersects(a, { south: 0.5, north: 2, west: -179.5, east: -170 })).toBe(true);
    expect(bboxIntersects(a, { south: 0.5, north: 2, west: -170, east: -160 })).toBe(false);
    expect(bboxIntersects(a, { south: 1.5, north: 2, west: 179.5, east: 179.6 })).toBe(false);
    const grown = expandBBox(a, 10_000);
    expect(bboxContains(grown, 0.5, -178.95)).toBe(true);
    expect(grown.west).toBeLessThan(179);
  });
});

/** A star-shaped polygon (never self-intersecting) around a centre, radii in metres. */
const starPolygon = fc
  .tuple(
    fc.double({ min: -70, max: 70, noNaN: true }),
    fc.constantFrom(-179.995, -40, 0, 12.5, 179.995),
    fc.array(fc.double({ min: 20, max: 2000, noNaN: true }), { minLength: 3, maxLength: 12 }),
  )
  .map(([cLat, cLng, radii]) => {
    const ring: Array<[number, number]> = radii.map((r, i) => {
      const [la, ln] = destination(cLat, cLng, (360 * i) / radii.length, r);
      return [ln, la];
    });
    return { cLat, cLng, ring: [...ring, ring[0]] as Ring };
  });

describe('polygons', () => {
  it('agrees with turf on which points are inside, across the antimeridian too', () => {
    fc.assert(
      fc.property(
        starPolygon,
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.double({ min: 0, max: 2500, noNaN: true }),
        ({ cLat, cLng, ring }, bearing, dist) => {
          const [pLat, pLng] = destination(cLat, cLng, bearing, dist);
          // turf reads lng/lat as a plane: unwrap the ring and the point around the centre for it.
          const unwrap = (x: number) => (x - cLng > 180 ? x - 360 : x - cLng < -180 ? x + 360 : x);
          const turfRing = ring.map(([x, y]) => [unwrap(x), y]);
          const expected = booleanPointInPolygon([unwrap(pLng), pLat], {
            type: 'Polygon',
            coordinates: [turfRing],
          });
          // Points within a millimetre of an edge may go either way.
          if (distanceToRingM(ring, pLat, pLng) < 1e-3) return;
          expect(pointInRing(ring, pLat, pLng)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('measures the distance to the nearest edge in metres', () => {
    // A 200 m square around (45, 7); a point 100 m east of its east edge.
    const [n] = destination(45, 7, 0, 100);
    const [, e] = destination(45, 7, 90, 100);
    const [s] = destination(45, 7, 180, 100);
    const [, w] = destination(45, 7, 270, 100);
    const square: Ring = [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
    ];
    const [pLat, pLng] = destination(45, 7, 90, 200);
    expect(pointInRing(square, pLat, pLng)).toBe(false);
    expect(distanceToRingM(square, pLat, pLng)).toBeCloseTo(100, 0);
    expect(pointInRing(square, 45, 7)).toBe(true);
    expect(distanceToRingM(square, 45, 7)).toBeCloseTo(100, 0);
  });

  it('boxes a ring across the antimeridian', () => {
    const box = ringBBox([
      [179.9, 1],
      [-179.9, 1],
      [-179.9, 2],
      [179.9, 2],
    ]);
    expect(box).toMatchObject({ south: 1, north: 2 });
    expect(box.west).toBeCloseTo(179.9, 9);
    expect(box.east).toBeCloseTo(-179.9, 9);
  });
});
