// Latest positions of moving points (one tenant's workers) in cell maps: O(1) updates, exact nearest-K within a radius.

import { assertLatLng, chordSquaredForM, MAX_DISTANCE_M, metresForChordSquared } from './geo.js';
import { GridLevel, type SlotFilter } from './grid-level.js';
import { TopK } from './top-k.js';

export interface NearestOptions<D> {
  /** Only points within this great-circle distance (metres); default: anywhere. */
  radiusM?: number;
  /** At most this many results; default 10. */
  limit?: number;
  /** Only points this accepts; called on candidates within the radius only. Must not change the index. */
  filter?: (id: string, data: D) => boolean;
}

export interface Neighbour<D> {
  id: string;
  distanceM: number;
  lat: number;
  lng: number;
  data: D;
}

export interface IndexedPoint<D> {
  id: string;
  lat: number;
  lng: number;
  data: D;
}

export interface WorkerIndexOptions {
  /** Fine cell size (metres, ≥ 500); default 1000. */
  cellM?: number;
  /** Coarse cells are this many fine cells wide (0: none); default 8. */
  coarseFactor?: number;
  /** For tests and benchmarks: never fall back to the linear scan; force a level. */
  ringsOnly?: boolean;
  level?: 'auto' | 'fine' | 'coarse';
}

export const DEFAULT_WORKER_CELL_M = 1000;
const DEFAULT_COARSE_FACTOR = 8;
const INITIAL_CAPACITY = 1024;

/**
 * Points are kept at two resolutions (see grid-level.ts): fine 1 km cells suit a city with several
 * workers per km², where the K nearest lie in the next few cells; coarse 8 km cells suit a countryside
 * with a worker every few km², where fine rings would mostly read empty cells. A query picks by the
 * count in the coarse cell it falls in: scanning 3 × 3 fine cells should find K when that cell holds at
 * least 64·K/9 points. Both searches are exact; the choice only changes speed. When the search area
 * has more cells than the index has points, a linear scan is cheaper and just as exact.
 * Slots (dense per-point arrays) keep ids, payloads and positions.
 */
export class WorkerIndex<D> {
  private readonly fine: GridLevel;
  private readonly coarse: GridLevel | undefined;
  private readonly coarseFactor: number;
  private readonly slotOf = new Map<string, number>();
  private ids: Array<string | undefined> = [];
  private payload: Array<D | undefined> = [];
  private lat = new Float64Array(INITIAL_CAPACITY);
  private lng = new Float64Array(INITIAL_CAPACITY);
  private readonly free: number[] = [];
  private used = 0;
  private scratchTop: TopK | undefined;
  private querying = false;
  private readonly ringsOnly: boolean;
  private readonly level: 'auto' | 'fine' | 'coarse';

  constructor(options: WorkerIndexOptions = {}) {
    const cellM = options.cellM ?? DEFAULT_WORKER_CELL_M;
    this.coarseFactor = options.coarseFactor ?? DEFAULT_COARSE_FACTOR;
    this.fine = new GridLevel(cellM, INITIAL_CAPACITY);
    // Cells of 1000 km are as coarse as a grid gets; past that a second level has nothing to add.
    const coarseM = cellM * this.coarseFactor;
    this.coarse = this.coarseFactor > 1 && coarseM <= 1_000_000 ? new GridLevel(coarseM, INITIAL_CAPACITY) : undefined;
    this.ringsOnly = options.ringsOnly ?? false;
    this.level = options.level ?? 'auto';
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Inserts or moves a point. Coordinates must be valid (RangeError otherwise): validate at the door. */
  upsert(id: string, lat: number, lng: number, data: D): void {
    assertLatLng(lat, lng);
    const cosLat = Math.cos((lat * Math.PI) / 180);
    const x = cosLat * Math.cos((lng * Math.PI) / 180);
    const y = cosLat * Math.sin((lng * Math.PI) / 180);
    const z = Math.sin((lat * Math.PI) / 180);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.allocate();
      this.slotOf.set(id, slot);
      this.ids[slot] = id;
      this.fine.add(slot, lat, lng, x, y, z);
      this.coarse?.add(slot, lat, lng, x, y, z);
    } else {
      this.fine.move(slot, lat, lng, x, y, z);
      this.coarse?.move(slot, lat, lng, x, y, z);
    }
    this.payload[slot] = data;
    this.lat[slot] = lat;
    this.lng[slot] = lng;
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.fine.remove(slot);
    this.coarse?.remove(slot);
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.payload[slot] = undefined;
    this.free.push(slot);
    return true;
  }

  get(id: string): IndexedPoint<D> | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return undefined;
    return { id, lat: this.lat[slot], lng: this.lng[slot], data: this.payload[slot] as D };
  }

  *entries(): IterableIterator<IndexedPoint<D>> {
    for (let s = 0; s < this.used; s++) {
      const id = this.ids[s];
      if (id !== undefined) yield { id, lat: this.lat[s], lng: this.lng[s], data: this.payload[s] as D };
    }
  }

  /** The nearest points, closest first (ties by id), with exact great-circle distances. */
  nearest(lat: number, lng: number, options: NearestOptions<D> = {}): Array<Neighbour<D>> {
    assertLatLng(lat, lng);
    const radiusM = options.radiusM ?? Number.POSITIVE_INFINITY;
    if (!(radiusM >= 0)) throw new RangeError('radiusM must be ≥ 0');
    const limit = options.limit ?? 10;
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('limit must be a positive integer');
    if (this.slotOf.size === 0) return [];

    // A filter that queries this index again must not share the scratch.
    const reentrant = this.querying;
    this.querying = true;
    try {
      const top = reentrant ? new TopK(limit, this.ids) : this.topK(limit);
      const userFilter = options.filter;
      const filter: SlotFilter =
        userFilter && ((slot: number) => userFilter(this.ids[slot] as string, this.payload[slot] as D));
      const cosLat = Math.cos((lat * Math.PI) / 180);
      const qx = cosLat * Math.cos((lng * Math.PI) / 180);
      const qy = cosLat * Math.sin((lng * Math.PI) / 180);
      const qz = Math.sin((lat * Math.PI) / 180);
      const level = this.pickLevel(lat, lng, limit);
      if (!this.ringsOnly && (radiusM >= MAX_DISTANCE_M || level.cellsWithin(radiusM) > this.slotOf.size)) {
        level.scanAll(qx, qy, qz, chordSquaredForM(radiusM), top, filter);
      } else {
        level.search(lat, lng, qx, qy, qz, radiusM, top, filter);
      }
      return this.results(top);
    } finally {
      this.querying = reentrant;
    }
  }

  private pickLevel(lat: number, lng: number, limit: number): GridLevel {
    const coarse = this.coarse;
    if (coarse === undefined || this.level === 'fine') return this.fine;
    if (this.level === 'coarse') return coarse;
    const f = this.coarseFactor;
    return coarse.countAt(lat, lng) * 9 >= f * f * limit ? this.fine : coarse;
  }

  private topK(limit: number): TopK {
    if (this.scratchTop === undefined || this.scratchTop.c2.length < limit) this.scratchTop = new TopK(limit, this.ids);
    this.scratchTop.reset(limit);
    return this.scratchTop;
  }

  private results(top: TopK): Array<Neighbour<D>> {
    const out: Array<Neighbour<D>> = new Array(top.count);
    for (let i = 0; i < top.count; i++) {
      const s = top.slots[i];
      out[i] = {
        id: this.ids[s] as string,
        distanceM: metresForChordSquared(top.c2[i]),
        lat: this.lat[s],
        lng: this.lng[s],
        data: this.payload[s] as D,
      };
    }
    return out;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.used === this.lat.length) {
      const n = this.lat.length * 2;
      const lat = new Float64Array(n);
      lat.set(this.lat);
      this.lat = lat;
      const lng = new Float64Array(n);
      lng.set(this.lng);
      this.lng = lng;
      this.fine.grow(n);
      this.coarse?.grow(n);
    }
    return this.used++;
  }
}
