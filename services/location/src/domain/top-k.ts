// The K best candidates of a nearest search: smallest squared chord first, ties by id.

/** Kept sorted in typed arrays; K is small, so insertion beats a heap. */
export class TopK {
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

  get full(): boolean {
    return this.count === this.limit;
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
