// One tenant's geofences indexed by their margin-grown boxes in a cell map, so a ping tests only the few nearby.
import { type CellGrid, cellGrid } from './cell-grid.js';
import { type CompiledFence, compileFence, type Fence, type FenceZone } from './fence.js';
import { assertLatLng, bboxContains, bboxIntersects, circleBBox } from './geo.js';

/** Fences are small (job sites): small cells keep the boxes scanned per check few. */
export const DEFAULT_FENCE_CELL_M = 500;
/** A fence covering more cells than this (a whole city) is kept in a short list tested on every query. */
export const DEFAULT_MAX_CELLS_PER_FENCE = 4096;

/**
 * One cell's fences, packed per fence as [south, north, west, east, cx, cy, cz, insideC2, bandC2] (cx NaN
 * for a polygon) so a check reads memory in order and decides a circle without touching the fence.
 */
interface Cell {
  boxes: number[];
  fences: CompiledFence[];
}

const STRIDE = 9;

/** A fence the point is inside of, or in the hysteresis band of. */
export interface FenceHit {
  fence: CompiledFence;
  zone: 'inside' | 'band';
}

/**
 * Each fence is registered in every cell its box (grown by its own exit margin) overlaps, so
 * `candidates` reads one cell and keeps the entries whose box holds the point: every fence the point
 * is inside or in the band of, and few others. Asking with an extra margin reads the cells around.
 * Boxes (and circles) are copied into the cell: following a pointer per fence costs a cache miss each.
 */
export class FenceIndex {
  private readonly grid: CellGrid;
  private readonly maxCellsPerFence: number;
  /** Each fence with the cells it is listed in, as [row, col, row, col, ...]. */
  private readonly fences = new Map<string, { compiled: CompiledFence; cells: number[] }>();
  /** row → col → cell: two small-integer lookups, for any cell size. */
  private readonly rows: Array<Map<number, Cell> | undefined>;
  private readonly large: CompiledFence[] = [];
  private stamp = 0;

  constructor(options: { cellM?: number; maxCellsPerFence?: number } = {}) {
    this.grid = cellGrid(options.cellM ?? DEFAULT_FENCE_CELL_M);
    this.maxCellsPerFence = options.maxCellsPerFence ?? DEFAULT_MAX_CELLS_PER_FENCE;
    this.rows = new Array(this.grid.rows);
  }

  get size(): number {
    return this.fences.size;
  }

  /** Adds or replaces a fence (validated: InvalidArgument names the field). */
  upsert(fence: Fence): CompiledFence {
    const compiled = compileFence(fence);
    this.remove(fence.id);
    const cells: number[] = [];
    if (this.grid.countKeysInBox(compiled.bbox) > this.maxCellsPerFence) {
      this.large.push(compiled);
    } else {
      const { south, north, west, east } = compiled.bbox;
      const circle = compiled.isCircle;
      this.grid.forEachCellInBox(compiled.bbox, (row, col) => {
        let cols = this.rows[row];
        if (cols === undefined) {
          cols = new Map();
          this.rows[row] = cols;
        }
        let cell = cols.get(col);
        if (cell === undefined) {
          cell = { boxes: [], fences: [] };
          cols.set(col, cell);
        }
        cell.boxes.push(
          south,
          north,
          west,
          east,
          circle ? compiled.cx : Number.NaN,
          compiled.cy,
          compiled.cz,
          compiled.insideC2,
          compiled.bandC2,
        );
        cell.fences.push(compiled);
        cells.push(row, col);
      });
    }
    this.fences.set(fence.id, { compiled, cells });
    return compiled;
  }

  remove(id: string): boolean {
    const entry = this.fences.get(id);
    if (entry === undefined) return false;
    this.fences.delete(id);
    const { compiled, cells } = entry;
    if (cells.length === 0) {
      this.large.splice(this.large.indexOf(compiled), 1);
      return true;
    }
    for (let k = 0; k < cells.length; k += 2) {
      const cols = this.rows[cells[k]] as Map<number, Cell>;
      const cell = cols.get(cells[k + 1]) as Cell;
      const i = cell.fences.indexOf(compiled);
      const last = cell.fences.length - 1;
      cell.fences[i] = cell.fences[last];
      cell.fences.pop();
      for (let j = 0; j < STRIDE; j++) cell.boxes[STRIDE * i + j] = cell.boxes[STRIDE * last + j];
      cell.boxes.length = STRIDE * last;
      if (last === 0) cols.delete(cells[k + 1]);
    }
    return true;
  }

  /** Changes who a fence watches without touching its geometry. */
  setWorkers(id: string, workerIds: ReadonlySet<string> | 'any'): CompiledFence | undefined {
    const entry = this.fences.get(id);
    if (entry === undefined) return undefined;
    entry.compiled.fence = { ...entry.compiled.fence, workerIds };
    return entry.compiled;
  }

  get(id: string): CompiledFence | undefined {
    return this.fences.get(id)?.compiled;
  }

  *all(): IterableIterator<CompiledFence> {
    for (const { compiled } of this.fences.values()) yield compiled;
  }

  /**
   * Fences whose box, grown by their own margin and then by `extraMarginM`, holds the point: a superset of
   * the fences the point is inside of or in the band of (test each with `zone` or `inside`).
   */
  candidates(lat: number, lng: number, extraMarginM = 0): CompiledFence[] {
    assertLatLng(lat, lng);
    const out: CompiledFence[] = [];
    if (extraMarginM <= 0) {
      const row = this.grid.row(lat);
      const cell = this.rows[row]?.get(this.grid.wrapCol(row, this.grid.colUnwrapped(row, lng)));
      if (cell !== undefined) {
        const b = cell.boxes;
        for (let i = 0, j = 0; j < b.length; i++, j += STRIDE) {
          if (lat < b[j] || lat > b[j + 1]) continue;
          const west = b[j + 2];
          const east = b[j + 3];
          if (west <= east ? lng >= west && lng <= east : lng >= west || lng <= east) out.push(cell.fences[i]);
        }
      }
      for (const f of this.large) if (bboxContains(f.bbox, lat, lng)) out.push(f);
      return out;
    }
    const query = circleBBox(lat, lng, extraMarginM);
    const stamp = ++this.stamp;
    this.grid.forEachCellInBox(query, (row, col) => {
      const cell = this.rows[row]?.get(col);
      if (cell === undefined) return;
      for (const f of cell.fences) {
        if (f.stamp !== stamp && bboxIntersects(f.bbox, query)) out.push(f);
        f.stamp = stamp;
      }
    });
    for (const f of this.large) if (bboxIntersects(f.bbox, query)) out.push(f);
    return out;
  }

  /**
   * Every fence the point is inside of or in the band of, with which: candidates and zones in one pass.
   * Exact (circles by great-circle distance); the same answers as `candidates` then `zone`, faster.
   */
  near(lat: number, lng: number): FenceHit[] {
    assertLatLng(lat, lng);
    const out: FenceHit[] = [];
    const row = this.grid.row(lat);
    const cell = this.rows[row]?.get(this.grid.wrapCol(row, this.grid.colUnwrapped(row, lng)));
    if (cell !== undefined) {
      const b = cell.boxes;
      let qx = Number.NaN;
      let qy = 0;
      let qz = 0;
      for (let i = 0, j = 0; j < b.length; i++, j += STRIDE) {
        if (lat < b[j] || lat > b[j + 1]) continue;
        const west = b[j + 2];
        const east = b[j + 3];
        if (!(west <= east ? lng >= west && lng <= east : lng >= west || lng <= east)) continue;
        const cx = b[j + 4];
        if (Number.isNaN(cx)) {
          const fence = cell.fences[i];
          const zone = fence.zone(lat, lng);
          if (zone !== 'outside') out.push({ fence, zone });
          continue;
        }
        if (Number.isNaN(qx)) {
          const cosLat = Math.cos((lat * Math.PI) / 180);
          qx = cosLat * Math.cos((lng * Math.PI) / 180);
          qy = cosLat * Math.sin((lng * Math.PI) / 180);
          qz = Math.sin((lat * Math.PI) / 180);
        }
        const dx = qx - cx;
        const dy = qy - b[j + 5];
        const dz = qz - b[j + 6];
        const c2 = dx * dx + dy * dy + dz * dz;
        if (c2 <= b[j + 8]) out.push({ fence: cell.fences[i], zone: c2 <= b[j + 7] ? 'inside' : 'band' });
      }
    }
    for (const fence of this.large) {
      const zone = fence.zone(lat, lng);
      if (zone !== 'outside') out.push({ fence, zone });
    }
    return out;
  }

  /** Whether a point is inside a fence grown by `marginM` (exact: circle by great-circle distance). */
  inside(fence: CompiledFence, lat: number, lng: number, marginM = 0): boolean {
    return fence.inside(lat, lng, marginM);
  }

  /** Where a point stands against a fence and its own hysteresis band. */
  zone(fence: CompiledFence, lat: number, lng: number): FenceZone {
    return fence.zone(lat, lng);
  }
}
