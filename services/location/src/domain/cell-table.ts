// A hash table from cell key (a non-negative small integer) to a value, open addressing in a typed array.

const EMPTY = -1;

/**
 * Ring scans look up many cells, most of them empty away from a city centre. A Map lookup is several
 * dependent memory reads; here a miss is usually one read of a compact Int32Array (linear probing,
 * Fibonacci hashing, at most half full), which is what keeps sparse (country-wide) searches fast.
 */
export class CellTable<V> {
  private keys: Int32Array;
  private vals: Array<V | undefined>;
  private shift: number;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    this.keys = new Int32Array(1 << bits).fill(EMPTY);
    this.vals = new Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: number): V | undefined {
    const keys = this.keys;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) return this.vals[i];
      if (k === EMPTY) return undefined;
    }
  }

  set(key: number, value: V): void {
    if (!(key >= 0 && key <= 0x7fffffff && Number.isInteger(key))) throw new RangeError('cell keys are 0..2^31 − 1');
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === EMPTY) {
        this.keys[i] = key;
        this.vals[i] = value;
        if (++this.count * 2 > this.keys.length) this.grow();
        return;
      }
    }
  }

  delete(key: number): boolean {
    const keys = this.keys;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (; keys[i] !== key; i = (i + 1) & this.mask) if (keys[i] === EMPTY) return false;
    // Backward-shift deletion: pull later entries of the probe run into the hole, so no tombstones pile up.
    let hole = i;
    for (let j = (i + 1) & this.mask; keys[j] !== EMPTY; j = (j + 1) & this.mask) {
      const home = Math.imul(keys[j], 0x9e3779b1) >>> this.shift;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        keys[hole] = keys[j];
        this.vals[hole] = this.vals[j];
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    this.vals[hole] = undefined;
    this.count--;
    return true;
  }

  *values(): IterableIterator<V> {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== EMPTY) yield this.vals[i] as V;
  }

  private grow(): void {
    const { keys, vals } = this;
    const bits = 33 - this.shift;
    this.keys = new Int32Array(1 << bits).fill(EMPTY);
    this.vals = new Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.set(keys[i], vals[i] as V);
  }
}
