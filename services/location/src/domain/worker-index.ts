// Latest positions of moving points (one tenant's workers) in a cell map: O(1) updates, exact nearest-K within a radius.
import { type CellGrid, cellGrid } from './cell-grid.js';
import { CellTable } from './cell-table.js';
import {
  assertLatLng,
  chordSquaredForM,
  EARTH_RADIUS_M,
  lngHalfWidthDeg,
  MAX_DISTANCE_M,
  metresForChordSquared,
} from './geo.js';

export interface NearestOptions<D> {
  /** Only points within this great-circle distance (metres); default: anywhere. */
  radiusM?: number;
  /** At most this many results; default 10. */
  limit?: number;
  /** Only points this accepts; called on candidates within the radius only. */
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

export const DEFAULT_WORKER_CELL_M = 1000;
const INITIAL_CAPACITY = 1024;
/** Ring bounds are shaved by this fraction so floating point never lets them overstate what was scanned. */
const RING_SLACK = 1e-9;
const LNG_EPS = 1e-9;

/**
 * Each occupied cell holds its points as unit vectors, packed [x, y, z, slot, ...] in one array of
 * doubles, so a scan reads memory in order and a candidate costs three subtractions and multiplications:
 * the squared chord orders points exactly like the great-circle distance, and one asin per result turns
 * it into metres. Moving a point within its cell rewrites its entry; across cells it is a swap-remove and
 * a push. Slots (dense per-point arrays) keep ids, payloads and where each point's entry is.
 *
 * `nearest` scans rings of cells outward. After ring k every cell holding a point closer than k row
 * heights has been scanned (rows cover ±k·H of latitude; each row covers the circle's full longitude
 * span asin(sin δ / cos φ), or the whole row when the circle holds a pole), so the search stops as soon
 * as the K-th best is closer than that, or the radius is covered. When the search area has more cells
 * than the index has points, a linear scan of the dense arrays is cheaper and just as exact.
 */
export class WorkerIndex<D> {
  private readonly grid: CellGrid;
  private readonly rowHeightM: number;
  private readonly slotOf = new Map<string, number>();
  /** cell key → [x, y, z, slot, x, y, z, slot, ...] */
  private readonly cells = new CellTable<number[]>();
  private ids: Array<string | undefined> = [];
  private payload: Array<D | undefined> = [];
  private lat = new Float64Array(INITIAL_CAPACITY);
  private lng = new Float64Array(INITIAL_CAPACITY);
  private cellOf = new Int32Array(INITIAL_CAPACITY);
  /** Offset of the point's entry in its cell's array. */
  private posInCell = new Int32Array(INITIAL_CAPACITY);
  private readonly free: number[] = [];
  private used = 0;
  // Query scratch, reused: allocating typed arrays per query costs more than the scan itself.
  private scratchTop: TopK | undefined;
  private scratchLo = new Int32Array(64);
  private scratchHi = new Int32Array(64);
  private querying = false;

  private readonly ringsOnly: boolean;

  /** `ringsOnly` (tests, benchmarks) never falls back to the linear scan. */
  constructor(options: { cellM?: number; ringsOnly?: boolean } = {}) {
    this.grid = cellGrid(options.cellM ?? DEFAULT_WORKER_CELL_M);
    if (this.grid.cellCount > 0x7fffffff) throw new RangeError('cellM must be at least 500 m for the worker index');
    this.ringsOnly = options.ringsOnly ?? false;
    this.rowHeightM = (this.grid.dLat * Math.PI * EARTH_RADIUS_M) / 180;
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Inserts or moves a point. Coordinates must be valid (RangeError otherwise): validate at the door. */
  upsert(id: string, lat: number, lng: number, data: D): void {
    assertLatLng(lat, lng);
    const key = this.grid.keyOf(lat, lng);
    const cosLat = Math.cos((lat * Math.PI) / 180);
    const x = cosLat * Math.cos((lng * Math.PI) / 180);
    const y = cosLat * Math.sin((lng * Math.PI) / 180);
    const z = Math.sin((lat * Math.PI) / 180);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.allocate();
      this.slotOf.set(id, slot);
      this.ids[slot] = id;
      this.addToCell(slot, key, x, y, z);
    } else if (this.cellOf[slot] !== key) {
      this.removeFromCell(slot);
      this.addToCell(slot, key, x, y, z);
    } else {
      const cell = this.cells.get(key) as number[];
      const at = this.posInCell[slot];
      cell[at] = x;
      cell[at + 1] = y;
      cell[at + 2] = z;
    }
    this.payload[slot] = data;
    this.lat[slot] = lat;
    this.lng[slot] = lng;
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.removeFromCell(slot);
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
      this.search(lat, lng, radiusM, limit, top, options.filter);
      return this.results(top);
    } finally {
      this.querying = reentrant;
    }
  }

  private search(
    lat: number,
    lng: number,
    radiusM: number,
    limit: number,
    top: TopK,
    filter: ((id: string, data: D) => boolean) | undefined,
  ): void {
    const maxC2 = chordSquaredForM(radiusM);
    const cosLat = Math.cos((lat * Math.PI) / 180);
    const qx = cosLat * Math.cos((lng * Math.PI) / 180);
    const qy = cosLat * Math.sin((lng * Math.PI) / 180);
    const qz = Math.sin((lat * Math.PI) / 180);

    // Cells are at least a row height wide, so (2r/H + 1)² bounds the cells a search can visit.
    const side = 2 * Math.ceil(radiusM / this.rowHeightM) + 1;
    if (!this.ringsOnly && (radiusM >= MAX_DISTANCE_M || side * side > this.slotOf.size)) {
      for (const cell of this.cells.values()) this.scanCell(cell, qx, qy, qz, maxC2, top, filter);
      return;
    }

    const grid = this.grid;
    const r0 = grid.row(lat);
    const maxRing = Math.min(grid.rows, Math.ceil(radiusM / this.rowHeightM) + 1);
    // Scanned unwrapped column interval per row r0 − maxRing .. r0 + maxRing, valid once that row's ring has run.
    if (this.scratchLo.length < 2 * maxRing + 1) {
      this.scratchLo = new Int32Array(2 * maxRing + 1);
      this.scratchHi = new Int32Array(2 * maxRing + 1);
    }
    const lo = this.scratchLo;
    const hi = this.scratchHi;
    for (let k = 0; k <= maxRing; k++) {
      const rho = k * this.rowHeightM * (1 - RING_SLACK);
      const half = k === 0 ? 0 : lngHalfWidthDeg(lat, rho);
      const fullRow = half >= 180;
      const rowFrom = Math.max(0, r0 - k);
      const rowTo = Math.min(grid.rows - 1, r0 + k);
      let allRowsFull = rowFrom === 0 && rowTo === grid.rows - 1;
      for (let r = rowFrom; r <= rowTo; r++) {
        const cols = grid.cols[r];
        const i = r - r0 + maxRing;
        const isNew = r - r0 === k || r0 - r === k;
        let a: number;
        let b: number;
        if (fullRow) {
          a = isNew ? 0 : lo[i];
          b = a + cols - 1;
        } else {
          a = grid.colUnwrapped(r, lng - half - LNG_EPS);
          b = grid.colUnwrapped(r, lng + half + LNG_EPS);
          if (b - a + 1 >= cols) b = a + cols - 1;
        }
        if (isNew) {
          this.scanCols(r, a, b, qx, qy, qz, maxC2, top, filter);
          lo[i] = a;
          hi[i] = b;
        } else if (hi[i] - lo[i] + 1 < cols) {
          if (b - a + 1 >= cols) {
            // The row wraps around: scan what is left of it, once.
            this.scanCols(r, hi[i] + 1, lo[i] + cols - 1, qx, qy, qz, maxC2, top, filter);
            hi[i] = lo[i] + cols - 1;
          } else {
            this.scanCols(r, a, lo[i] - 1, qx, qy, qz, maxC2, top, filter);
            this.scanCols(r, hi[i] + 1, b, qx, qy, qz, maxC2, top, filter);
            lo[i] = a;
            hi[i] = b;
          }
        }
        if (hi[i] - lo[i] + 1 < cols) allRowsFull = false;
      }
      if (allRowsFull) return;
      const rhoC2 = chordSquaredForM(rho);
      // Every point outside the scanned cells is at least rho away.
      if (rhoC2 > maxC2) return;
      if (top.count === limit && top.worst() < rhoC2) return;
    }
  }

  private topK(limit: number): TopK {
    if (this.scratchTop === undefined || this.scratchTop.c2.length < limit) this.scratchTop = new TopK(limit, this.ids);
    this.scratchTop.reset(limit);
    return this.scratchTop;
  }

  private scanCols(
    row: number,
    from: number,
    to: number,
    qx: number,
    qy: number,
    qz: number,
    maxC2: number,
    top: TopK,
    filter: ((id: string, data: D) => boolean) | undefined,
  ): void {
    for (let c = from; c <= to; c++) {
      const cell = this.cells.get(this.grid.key(row, c));
      if (cell !== undefined) this.scanCell(cell, qx, qy, qz, maxC2, top, filter);
    }
  }

  private scanCell(
    cell: number[],
    qx: number,
    qy: number,
    qz: number,
    maxC2: number,
    top: TopK,
    filter: ((id: string, data: D) => boolean) | undefined,
  ): void {
    for (let j = 0; j < cell.length; j += 4) {
      const dx = cell[j] - qx;
      const dy = cell[j + 1] - qy;
      const dz = cell[j + 2] - qz;
      const c2 = dx * dx + dy * dy + dz * dz;
      if (c2 > maxC2) continue;
      const s = cell[j + 3];
      if (!top.admits(c2, s)) continue;
      if (filter !== undefined && !filter(this.ids[s] as string, this.payload[s] as D)) continue;
      top.insert(c2, s);
    }
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
    if (this.used === this.lat.length) this.grow();
    return this.used++;
  }

  private grow(): void {
    const n = this.lat.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.lat = f64(this.lat);
    this.lng = f64(this.lng);
    this.cellOf = i32(this.cellOf);
    this.posInCell = i32(this.posInCell);
  }

  private addToCell(slot: number, key: number, x: number, y: number, z: number): void {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = [];
      this.cells.set(key, cell);
    }
    this.cellOf[slot] = key;
    this.posInCell[slot] = cell.length;
    cell.push(x, y, z, slot);
  }

  private removeFromCell(slot: number): void {
    const key = this.cellOf[slot];
    const cell = this.cells.get(key) as number[];
    const at = this.posInCell[slot];
    const last = cell.length - 4;
    if (at !== last) {
      const moved = cell[last + 3];
      cell[at] = cell[last];
      cell[at + 1] = cell[last + 1];
      cell[at + 2] = cell[last + 2];
      cell[at + 3] = moved;
      this.posInCell[moved] = at;
    }
    cell.length = last;
    if (last === 0) this.cells.delete(key);
  }
}

/** The K best (smallest squared chord, then smallest id) seen so far, kept sorted; K is small. */
class TopK {
  readonly c2: Float64Array;
  readonly slots: Int32Array;
  count = 0;
  limit: number;

  constructor(
    capacity: number,
    private readonly ids: ReadonlyArray<string | undefined>,
  ) {
    this.limit = capacity;
    this.c2 = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  reset(limit: number): void {
    this.limit = limit;
    this.count = 0;
  }

  worst(): number {
    return this.c2[this.count - 1];
  }

  /** Whether a candidate would make the cut (checked before the caller's filter, which may be costly). */
  admits(c2: number, slot: number): boolean {
    if (this.count < this.limit) return true;
    const worst = this.c2[this.limit - 1];
    return c2 < worst || (c2 === worst && this.before(slot, this.slots[this.limit - 1]));
  }

  insert(c2: number, slot: number): void {
    let i = this.count < this.limit ? this.count++ : this.limit - 1;
    while (i > 0 && (this.c2[i - 1] > c2 || (this.c2[i - 1] === c2 && this.before(slot, this.slots[i - 1])))) {
      this.c2[i] = this.c2[i - 1];
      this.slots[i] = this.slots[i - 1];
      i--;
    }
    this.c2[i] = c2;
    this.slots[i] = slot;
  }

  private before(a: number, b: number): boolean {
    return (this.ids[a] as string) < (this.ids[b] as string);
  }
}
