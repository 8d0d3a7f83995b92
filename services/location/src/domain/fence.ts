// Geofences (circle or polygon) and where a point stands against one: inside, in the hysteresis band, or outside.
import { InvalidArgument } from '@fieldline/platform';
import {
  type BBox,
  bboxContains,
  checkLatLng,
  chordSquaredForM,
  circleBBox,
  expandBBox,
  type LocalPolygon,
  lngDelta,
  localPolygon,
  localPolygonAreaM2,
  localPolygonContains,
  localPolygonEdgeDistanceM,
  type Ring,
  ringBBox,
} from './geo.js';

export type FenceShape =
  | { kind: 'circle'; lat: number; lng: number; radiusM: number }
  /** One outer ring of [lng, lat] (GeoJSON order), closed or not. */
  | { kind: 'polygon'; ring: Ring };

export interface Fence {
  /** e.g. job:<job id> or site:<customer id>:<site id> */
  id: string;
  tenantId: string;
  jobId?: string;
  customerId?: string;
  siteId?: string;
  /** Who the fence watches: a job's assignees, or 'any' worker (customer sites). */
  workerIds: ReadonlySet<string> | 'any';
  shape: FenceShape;
  /** Width of the hysteresis band beyond the edge; default max(25 m, half the fence's radius). */
  exitMarginM?: number;
}

/** inside the fence; in the band between the fence and fence + margin; or beyond the band. */
export type FenceZone = 'inside' | 'band' | 'outside';

export const MAX_CIRCLE_RADIUS_M = 100_000;
export const MAX_POLYGON_VERTICES = 1000;
/** The local plane behind polygon tests distorts near the poles; no job site is there. */
export const MAX_POLYGON_ABS_LAT = 85;
export const MIN_EXIT_MARGIN_M = 25;
const MAX_EXIT_MARGIN_M = 10_000;

/** The default band: wide enough for phone jitter at small sites, proportional at big ones. */
export function defaultExitMarginM(sizeM: number): number {
  return Math.max(MIN_EXIT_MARGIN_M, 0.5 * sizeM);
}

// The last point asked about, as a unit vector: a ping is tested against several fences in a row.
let lastLat = Number.NaN;
let lastLng = Number.NaN;
let lastX = 0;
let lastY = 0;
let lastZ = 0;

function chordSquaredTo(x: number, y: number, z: number, lat: number, lng: number): number {
  if (lat !== lastLat || lng !== lastLng) {
    const cosLat = Math.cos((lat * Math.PI) / 180);
    lastX = cosLat * Math.cos((lng * Math.PI) / 180);
    lastY = cosLat * Math.sin((lng * Math.PI) / 180);
    lastZ = Math.sin((lat * Math.PI) / 180);
    lastLat = lat;
    lastLng = lng;
  }
  const dx = lastX - x;
  const dy = lastY - y;
  const dz = lastZ - z;
  return dx * dx + dy * dy + dz * dz;
}

/** A validated fence with everything a point test needs precomputed. */
export class CompiledFence {
  /** Radius of a circle; for a polygon, the radius of the circle of the same area. */
  readonly sizeM: number;
  readonly marginM: number;
  /** The shape's box grown by the margin: nothing outside it is in the fence or its band. */
  readonly bbox: BBox;
  /** Set by the fence index to list a fence once per query. */
  stamp = 0;
  /** A circle's centre as a unit vector (0 for a polygon). */
  readonly cx: number;
  readonly cy: number;
  readonly cz: number;
  /** Squared chords of the radius and of radius + margin: a point is inside / in the band within them. */
  readonly insideC2: number;
  readonly bandC2: number;
  private readonly polygon: LocalPolygon | undefined;
  private readonly radiusM: number;

  constructor(public fence: Fence) {
    const shape = fence.shape;
    if (shape.kind === 'circle') {
      this.radiusM = shape.radiusM;
      this.sizeM = shape.radiusM;
      this.polygon = undefined;
      const cosLat = Math.cos((shape.lat * Math.PI) / 180);
      this.cx = cosLat * Math.cos((shape.lng * Math.PI) / 180);
      this.cy = cosLat * Math.sin((shape.lng * Math.PI) / 180);
      this.cz = Math.sin((shape.lat * Math.PI) / 180);
    } else {
      this.polygon = localPolygon(shape.ring);
      this.radiusM = 0;
      this.sizeM = Math.sqrt(localPolygonAreaM2(this.polygon) / Math.PI);
      this.cx = this.cy = this.cz = 0;
    }
    this.marginM = fence.exitMarginM ?? defaultExitMarginM(this.sizeM);
    this.insideC2 = chordSquaredForM(this.radiusM);
    this.bandC2 = chordSquaredForM(this.radiusM + this.marginM);
    this.bbox =
      shape.kind === 'circle'
        ? circleBBox(shape.lat, shape.lng, shape.radiusM + this.marginM)
        : expandBBox(ringBBox(shape.ring), this.marginM);
  }

  get id(): string {
    return this.fence.id;
  }

  get isCircle(): boolean {
    return this.polygon === undefined;
  }

  /** Whether the fence watches this worker (job fences watch the job's assignees only). */
  watches(workerId: string): boolean {
    const w = this.fence.workerIds;
    return w === 'any' || w.has(workerId);
  }

  /** Where a point stands: inside (edge included), in the band up to the margin, or outside. */
  zone(lat: number, lng: number): FenceZone {
    if (this.polygon === undefined) {
      const c2 = chordSquaredTo(this.cx, this.cy, this.cz, lat, lng);
      return c2 <= this.insideC2 ? 'inside' : c2 <= this.bandC2 ? 'band' : 'outside';
    }
    // The box spares the polygon walk for points far away (callers of `zone` alone, without the index).
    if (!bboxContains(this.bbox, lat, lng)) return 'outside';
    if (localPolygonContains(this.polygon, lat, lng)) return 'inside';
    return localPolygonEdgeDistanceM(this.polygon, lat, lng) <= this.marginM ? 'band' : 'outside';
  }

  /** Whether a point is inside the fence grown by `marginM` metres. */
  inside(lat: number, lng: number, marginM = 0): boolean {
    if (this.polygon === undefined) {
      const limit = marginM === 0 ? this.insideC2 : chordSquaredForM(this.radiusM + marginM);
      return chordSquaredTo(this.cx, this.cy, this.cz, lat, lng) <= limit;
    }
    if (localPolygonContains(this.polygon, lat, lng)) return true;
    return marginM > 0 && localPolygonEdgeDistanceM(this.polygon, lat, lng) <= marginM;
  }
}

/** Validates a fence and precomputes it; refusals name the field. */
export function compileFence(fence: Fence): CompiledFence {
  if (typeof fence.id !== 'string' || fence.id.trim() === '') throw new InvalidArgument('id', 'fence id is required');
  if (typeof fence.tenantId !== 'string' || fence.tenantId === '') {
    throw new InvalidArgument('tenantId', 'tenantId is required');
  }
  if (fence.workerIds !== 'any' && !(fence.workerIds instanceof Set)) {
    throw new InvalidArgument('workerIds', "workerIds must be a set of worker ids or 'any'");
  }
  if (fence.exitMarginM !== undefined && !(fence.exitMarginM >= 0 && fence.exitMarginM <= MAX_EXIT_MARGIN_M)) {
    throw new InvalidArgument('exitMarginM', `exitMarginM must be 0..${MAX_EXIT_MARGIN_M} metres`);
  }
  const shape = fence.shape;
  if (shape?.kind === 'circle') {
    const problem = checkLatLng(shape.lat, shape.lng);
    if (problem) throw new InvalidArgument(`shape.${problem.field}`, problem.reason);
    if (!(shape.radiusM > 0 && shape.radiusM <= MAX_CIRCLE_RADIUS_M)) {
      throw new InvalidArgument(
        'shape.radiusM',
        `radiusM must be more than 0 and at most ${MAX_CIRCLE_RADIUS_M} metres`,
      );
    }
  } else if (shape?.kind === 'polygon') {
    checkRing(shape.ring);
  } else {
    throw new InvalidArgument('shape', "shape must be a circle or a polygon (kind 'circle' | 'polygon')");
  }
  return new CompiledFence(fence);
}

function checkRing(ring: Ring): void {
  if (!Array.isArray(ring)) throw new InvalidArgument('shape.ring', 'ring must be an array of [lng, lat]');
  let n = ring.length;
  if (n > 1 && ring[0]?.[0] === ring[n - 1]?.[0] && ring[0]?.[1] === ring[n - 1]?.[1]) n -= 1;
  if (n < 3) throw new InvalidArgument('shape.ring', 'a polygon needs at least 3 distinct vertices');
  if (n > MAX_POLYGON_VERTICES) {
    throw new InvalidArgument('shape.ring', `a polygon has at most ${MAX_POLYGON_VERTICES} vertices`);
  }
  let minD = 0;
  let maxD = 0;
  for (let i = 0; i < ring.length; i++) {
    const v = ring[i];
    if (!Array.isArray(v) || v.length < 2) throw new InvalidArgument(`shape.ring[${i}]`, 'a vertex is [lng, lat]');
    const problem = checkLatLng(v[1], v[0]);
    if (problem) throw new InvalidArgument(`shape.ring[${i}]`, problem.reason);
    if (Math.abs(v[1]) > MAX_POLYGON_ABS_LAT) {
      throw new InvalidArgument(
        `shape.ring[${i}]`,
        `polygon vertices must be within ±${MAX_POLYGON_ABS_LAT}° of latitude`,
      );
    }
    const d = lngDelta(ring[0][0], v[0]);
    minD = Math.min(minD, d);
    maxD = Math.max(maxD, d);
  }
  if (maxD - minD >= 90) throw new InvalidArgument('shape.ring', 'a polygon must span less than 90° of longitude');
  if (localPolygonAreaM2(localPolygon(ring)) <= 0) {
    throw new InvalidArgument('shape.ring', 'a polygon must enclose an area');
  }
}
