// At most one message per key per interval, always the newest: the live feed's per-worker rate limit.

/**
 * `offer` says whether a value goes out now (nothing sent for this key within the interval) or waits; a
 * waiting value is replaced by newer ones, and `due` hands out those whose interval has passed. Times are
 * passed in, so the rule is tested without a clock. Sends are due in the order keys started waiting, which
 * is also the order of their deadlines, so `due` only looks at the head of a queue.
 */
export class LiveThrottle<V> {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, { value: V; due: number }>();
  private readonly waiting: Array<{ key: string; due: number }> = [];
  private readonly sent: Array<{ key: string; at: number }> = [];

  constructor(private readonly intervalMs = 1000) {}

  /** The value to send now, or undefined when it must wait (it is then kept as the key's newest). */
  offer(key: string, value: V, now: number): V | undefined {
    this.forgetOld(now);
    const last = this.lastSent.get(key);
    if (last === undefined || now - last >= this.intervalMs) {
      // Its queue entry stays behind; `due` skips entries that no longer match the key's deadline.
      this.pending.delete(key);
      this.markSent(key, now);
      return value;
    }
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.value = value;
      return undefined;
    }
    const due = last + this.intervalMs;
    this.waiting.push({ key, due });
    this.pending.set(key, { value, due });
    return undefined;
  }

  /** The waiting values whose time has come, oldest deadline first; they count as sent at `now`. */
  due(now: number): Array<[string, V]> {
    const out: Array<[string, V]> = [];
    while (this.waiting.length > 0 && this.waiting[0].due <= now) {
      const { key, due } = this.waiting.shift() as { key: string; due: number };
      const waiting = this.pending.get(key);
      if (waiting === undefined || waiting.due !== due) continue;
      this.pending.delete(key);
      this.markSent(key, now);
      out.push([key, waiting.value]);
    }
    this.forgetOld(now);
    return out;
  }

  /** Everything waiting, at once (shutting down: the newest positions must not be lost). */
  drain(): Array<[string, V]> {
    const out = [...this.pending.entries()].map(([key, w]): [string, V] => [key, w.value]);
    this.pending.clear();
    this.waiting.length = 0;
    return out;
  }

  get waitingCount(): number {
    return this.pending.size;
  }

  private markSent(key: string, now: number): void {
    this.lastSent.set(key, now);
    this.sent.push({ key, at: now });
  }

  // Keys quiet for a whole interval need no memory: their next value goes out at once anyway.
  private forgetOld(now: number): void {
    while (this.sent.length > 0 && now - this.sent[0].at >= this.intervalMs) {
      const { key, at } = this.sent.shift() as { key: string; at: number };
      if (this.lastSent.get(key) === at && !this.pending.has(key)) this.lastSent.delete(key);
    }
  }
}
