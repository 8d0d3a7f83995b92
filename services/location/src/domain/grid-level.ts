// One resolution of the worker index: points packed per cell of one grid, and the exact ring search over it.
import { type CellGrid, cellGrid } from './cell-grid.js';
import { CellTable } from './cell-table.js';
import { chordSquaredForM, EARTH_RADIUS_M, lngHalfWidthDeg } from './geo.js';
import type { TopK } from './top-k.js';

/** Ring bounds are shaved by this fraction so floating point never lets them overstate what was scanned. */
const RING_SLACK = 1e-9;
const LNG_EPS = 1e-9;
const STRIDE = 4;

/** Accepts a candidate slot (the caller's filter); undefined accepts all. */
export type SlotFilter = ((slot: number) => boolean) | undefined;

/**
 * Each occupied cell holds its points as unit vectors, packed [x, y, z, slot, ...] in one array of
 * doubles, so a scan reads memory in order and a candidate costs three subtractions and multiplications
 * (the squared chord orders points exactly like the great-circle distance). Moving a point within its
 * cell rewrites its entry; across cells it is a swap-remove and a push.
 *
 * `search` scans rings of cells outward. After ring k every cell holding a point closer than k row
 * heights has been scanned (rows cover ±k·H of latitude; each row covers the circle's full longitude
 * span asin(sin δ / cos φ), or the whole row when the circle holds a pole), so it stops as soon as the
 * K-th best is closer than that, or the radius is covered.
 */
export class GridLevel {
  readonly grid: CellGrid;
  readonly rowHeightM: number;
  readonly cells = new CellTable<number[]>();
  private cellOf: Int32Array;
  private posInCell: Int32Array;
  // Scanned unwrapped column interval per row of the current search; reused (typed arrays are costly to allocate).
  private lo = new Int32Array(64);
  private hi = new Int32Array(64);

  constructor(cellM: number, capacity: number) {
    this.grid = cellGrid(cellM);
    if (this.grid.cellCount > 0x7fffffff) throw new RangeError('cellM must be at least 500 m for the worker index');
    this.rowHeightM = (this.grid.dLat * Math.PI * EARTH_RADIUS_M) / 180;
    this.cellOf = new Int32Array(capacity);
    this.posInCell = new Int32Array(capacity);
  }

  /** Makes room for slots up to `capacity`. */
  grow(capacity: number): void {
    const cellOf = new Int32Array(capacity);
    cellOf.set(this.cellOf);
    this.cellOf = cellOf;
    const posInCell = new Int32Array(capacity);
    posInCell.set(this.posInCell);
    this.posInCell = posInCell;
  }

  /** Points in the cell holding (lat, lng). */
  countAt(lat: number, lng: number): number {
    const cell = this.cells.get(this.grid.keyOf(lat, lng));
    return cell === undefined ? 0 : cell.length / STRIDE;
  }

  add(slot: number, lat: number, lng: number, x: number, y: number, z: number): void {
    const key = this.grid.keyOf(lat, lng);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = [];
      this.cells.set(key, cell);
    }
    this.cellOf[slot] = key;
    this.posInCell[slot] = cell.length;
    cell.push(x, y, z, slot);
  }

  move(slot: number, lat: number, lng: number, x: number, y: number, z: number): void {
    const key = this.grid.keyOf(lat, lng);
    if (key !== this.cellOf[slot]) {
      this.remove(slot);
      this.add(slot, lat, lng, x, y, z);
      return;
    }
    const cell = this.cells.get(key) as number[];
    const at = this.posInCell[slot];
    cell[at] = x;
    cell[at + 1] = y;
    cell[at + 2] = z;
  }

  remove(slot: number): void {
    const key = this.cellOf[slot];
    const cell = this.cells.get(key) as number[];
    const at = this.posInCell[slot];
    const last = cell.length - STRIDE;
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

  /** Every point, for when the search area has more cells than there are points. */
  scanAll(qx: number, qy: number, qz: number, maxC2: number, top: TopK, filter: SlotFilter): void {
    for (const cell of this.cells.values()) this.scanCell(cell, qx, qy, qz, maxC2, top, filter);
  }

  /** Cells a search of `radiusM` may visit, at most (cells are at least a row height wide). */
  cellsWithin(radiusM: number): number {
    const side = 2 * Math.ceil(radiusM / this.rowHeightM) + 1;
    return side * side;
  }

  /** The ring search; (qx, qy, qz) is (lat, lng) as a unit vector. */
  search(
    lat: number,
    lng: number,
    qx: number,
    qy: number,
    qz: number,
    radiusM: number,
    top: TopK,
    filter: SlotFilter,
  ): void {
    const maxC2 = chordSquaredForM(radiusM);
    const grid = this.grid;
    const r0 = grid.row(lat);
    const maxRing = Math.min(grid.rows, Math.ceil(radiusM / this.rowHeightM) + 1);
    if (this.lo.length < 2 * maxRing + 1) {
      this.lo = new Int32Array(2 * maxRing + 1);
      this.hi = new Int32Array(2 * maxRing + 1);
    }
    const lo = this.lo;
    const hi = this.hi;
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
      if (top.full && top.worst() < rhoC2) return;
    }
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
    filter: SlotFilter,
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
    filter: SlotFilter,
  ): void {
    for (let j = 0; j < cell.length; j += STRIDE) {
      const dx = cell[j] - qx;
      const dy = cell[j + 1] - qy;
      const dz = cell[j + 2] - qz;
      const c2 = dx * dx + dy * dy + dz * dz;
      if (c2 > maxC2) continue;
      const s = cell[j + 3];
      if (!top.admits(c2, s)) continue;
      if (filter !== undefined && !filter(s)) continue;
      top.insert(c2, s);
    }
  }
}
