// One tenant's geofences indexed by their margin-grown boxes in a cell map, so a ping tests only the few nearby.
import { type CellGrid, cellGrid } from './cell-grid.js';
import { type CompiledFence, compileFence, type Fence, type FenceZone } from './fence.js';
import { assertLatLng, bboxContains, bboxIntersects, circleBBox } from './geo.js';

export const DEFAULT_FENCE_CELL_M = 1000;
/** A fence covering more cells than this (a whole city) is kept in a short list tested on every query. */
export const DEFAULT_MAX_CELLS_PER_FENCE = 4096;

/**
 * Each fence is registered in every cell its box (grown by its own exit margin) overlaps, so
 * `candidates` reads one cell and keeps the entries whose box holds the point: every fence the point
 * is inside or in the band of, and few others. Asking with an extra margin reads the cells around.
 */
export class FenceIndex {
  private readonly grid: CellGrid;
  private readonly maxCellsPerFence: number;
  private readonly fences = new Map<string, { compiled: CompiledFence; cells: number[] }>();
  private readonly cells = new Map<number, CompiledFence[]>();
  private readonly large: CompiledFence[] = [];
  private stamp = 0;

  constructor(options: { cellM?: number; maxCellsPerFence?: number } = {}) {
    this.grid = cellGrid(options.cellM ?? DEFAULT_FENCE_CELL_M);
    this.maxCellsPerFence = options.maxCellsPerFence ?? DEFAULT_MAX_CELLS_PER_FENCE;
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
      this.grid.forEachKeyInBox(compiled.bbox, (key) => {
        let list = this.cells.get(key);
        if (list === undefined) {
          list = [];
          this.cells.set(key, list);
        }
        list.push(compiled);
        cells.push(key);
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
    for (const key of cells) {
      const list = this.cells.get(key) as CompiledFence[];
      const i = list.indexOf(compiled);
      list[i] = list[list.length - 1];
      list.pop();
      if (list.length === 0) this.cells.delete(key);
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
      const list = this.cells.get(this.grid.keyOf(lat, lng));
      if (list !== undefined) {
        for (let i = 0; i < list.length; i++) if (bboxContains(list[i].bbox, lat, lng)) out.push(list[i]);
      }
      for (const f of this.large) if (bboxContains(f.bbox, lat, lng)) out.push(f);
      return out;
    }
    const query = circleBBox(lat, lng, extraMarginM);
    const stamp = ++this.stamp;
    this.grid.forEachKeyInBox(query, (key) => {
      const list = this.cells.get(key);
      if (list === undefined) return;
      for (const f of list) {
        if (f.stamp !== stamp && bboxIntersects(f.bbox, query)) out.push(f);
        f.stamp = stamp;
      }
    });
    for (const f of this.large) if (bboxIntersects(f.bbox, query)) out.push(f);
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
