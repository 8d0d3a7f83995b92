// A whole-Earth grid of roughly square cells keyed by small integers, shared by the worker and fence indexes.
import { type BBox, EARTH_RADIUS_M } from './geo.js';

/**
 * Rows are bands of equal latitude height (`cellM` metres); each row has as many columns as fit at its
 * poleward edge, so a cell is never narrower than `cellM` and the rows at the poles are one cell each.
 * Keys are `rowStart[row] + col`: dense, unique, and below 2^30 (V8 small integers, the fastest Map keys)
 * for cells ≥ 710 m; smaller grids index by row, then column (see `forEachCellInBox`).
 * Longitude 180 and −180 fall in the same column 0, so the antimeridian is an ordinary cell border.
 */
export class CellGrid {
  readonly cellM: number;
  readonly rows: number;
  /** Row height, degrees of latitude. */
  readonly dLat: number;
  /** Columns of each row. */
  readonly cols: Int32Array;
  /** Column width of each row, degrees of longitude. */
  readonly dLng: Float64Array;
  /** First key of each row. */
  readonly rowStart: Float64Array;
  readonly cellCount: number;

  constructor(cellM: number) {
    if (!(cellM >= 50 && cellM <= 1_000_000)) throw new RangeError('cellM must be 50..1,000,000 metres');
    this.cellM = cellM;
    this.rows = Math.max(1, Math.round((Math.PI * EARTH_RADIUS_M) / cellM));
    this.dLat = 180 / this.rows;
    this.cols = new Int32Array(this.rows);
    this.dLng = new Float64Array(this.rows);
    this.rowStart = new Float64Array(this.rows);
    let start = 0;
    for (let r = 0; r < this.rows; r++) {
      const south = -90 + r * this.dLat;
      const north = south + this.dLat;
      const poleward = Math.max(Math.abs(south), Math.abs(north));
      const cols = Math.max(1, Math.floor((360 * Math.cos((poleward * Math.PI) / 180)) / this.dLat));
      this.cols[r] = cols;
      this.dLng[r] = 360 / cols;
      this.rowStart[r] = start;
      start += cols;
    }
    this.cellCount = start;
  }

  /** Row of a latitude; 90 belongs to the last row. */
  row(lat: number): number {
    const r = Math.floor((lat + 90) / this.dLat);
    return r < 0 ? 0 : r >= this.rows ? this.rows - 1 : r;
  }

  /** Unwrapped column of a longitude in a row: may be negative or ≥ cols for longitudes past ±180. */
  colUnwrapped(row: number, lng: number): number {
    return Math.floor((lng + 180) / this.dLng[row]);
  }

  /** Key of (row, any unwrapped column). */
  key(row: number, col: number): number {
    const cols = this.cols[row];
    let c = col % cols;
    if (c < 0) c += cols;
    return this.rowStart[row] + c;
  }

  keyOf(lat: number, lng: number): number {
    const r = this.row(lat);
    return this.key(r, this.colUnwrapped(r, lng));
  }

  /** Latitude range of a row. */
  rowSouth(row: number): number {
    return -90 + row * this.dLat;
  }

  /** Wraps an unwrapped column into 0..cols − 1. */
  wrapCol(row: number, col: number): number {
    const cols = this.cols[row];
    const c = col % cols;
    return c < 0 ? c + cols : c;
  }

  /** Calls `fn(row, col)` once for every cell overlapping the box (col wrapped). */
  forEachCellInBox(box: BBox, fn: (row: number, col: number) => void): void {
    const r0 = this.row(box.south);
    const r1 = this.row(box.north);
    for (let r = r0; r <= r1; r++) {
      const [c0, c1] = this.colSpan(r, box);
      for (let c = c0; c <= c1; c++) fn(r, this.wrapCol(r, c));
    }
  }

  /** Calls `fn` once for every cell overlapping the box. */
  forEachKeyInBox(box: BBox, fn: (key: number) => void): void {
    const r0 = this.row(box.south);
    const r1 = this.row(box.north);
    for (let r = r0; r <= r1; r++) {
      const [c0, c1] = this.colSpan(r, box);
      for (let c = c0; c <= c1; c++) fn(this.key(r, c));
    }
  }

  /** Unwrapped columns [first, last] of a row overlapping the box's longitudes, never more than the row has. */
  colSpan(row: number, box: BBox): [number, number] {
    const cols = this.cols[row];
    if (box.west === -180 && box.east === 180) return [0, cols - 1];
    // A box across the antimeridian is one interval once its east side is unwrapped past 180.
    const east = box.west <= box.east ? box.east : box.east + 360;
    const c0 = this.colUnwrapped(row, box.west);
    return [c0, Math.min(this.colUnwrapped(row, east), c0 + cols - 1)];
  }

  /** Number of cells `forEachKeyInBox` visits. */
  countKeysInBox(box: BBox): number {
    const r0 = this.row(box.south);
    const r1 = this.row(box.north);
    let n = 0;
    for (let r = r0; r <= r1; r++) {
      const [c0, c1] = this.colSpan(r, box);
      n += c1 - c0 + 1;
    }
    return n;
  }
}

const grids = new Map<number, CellGrid>();

/** Grids are pure geometry and cost a few hundred kB: share one per cell size. */
export function cellGrid(cellM: number): CellGrid {
  let grid = grids.get(cellM);
  if (!grid) {
    grid = new CellGrid(cellM);
    grids.set(cellM, grid);
  }
  return grid;
}
