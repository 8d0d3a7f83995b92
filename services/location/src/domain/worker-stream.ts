// Per-device ordering, dedupe and replay: pings come out in the order the phone recorded them, each once.
import type { Ping } from './ping.js';

export interface StreamOptions {
  /** A gap (missing seq) is declared lost once the pings waiting behind it span this much device time. */
  gapTimeoutSeconds: number;
  /** ... or once this many pings wait behind it. */
  maxPending: number;
  /** Seq-less streams hold pings this long (device time, or wall time since received) to sort them. */
  reorderWindowSeconds: number;
}

export const DEFAULT_STREAM_OPTIONS: StreamOptions = {
  gapTimeoutSeconds: 300,
  maxPending: 10_000,
  reorderWindowSeconds: 10,
};

/** new: first time seen; duplicate: seen before; late: first time seen but past the point of replay. */
export type Admission = 'new' | 'duplicate' | 'late';

export interface Release {
  /** Pings to apply now, in the order the phone recorded them. */
  pings: Ping[];
  /** Seqs given up on in this release (lost, or too late to wait for). */
  lost: number;
}

interface Waiting {
  seq: number;
  /** Absent for a rejected ping: it fills its seq but is not applied. */
  ping?: Ping;
  receivedAt: number;
}

export type SeqStreamJSON = {
  mode: 'seq';
  applied: number;
  pending: Waiting[];
  skipped: Array<[number, number]>;
};

export type TimeStreamJSON = {
  mode: 'time';
  lastApplied: number;
  held: Array<{ ping: Ping; receivedAt: number }>;
  recent: number[];
};

export type StreamJSON = SeqStreamJSON | TimeStreamJSON;

/** How many skipped seq ranges are remembered to tell a late ping from a duplicate. */
const SKIPPED_RANGES_KEPT = 32;

/**
 * Pings with a seq. Every ping enters `pending`; `release` hands out the run that continues the last
 * applied seq, so presence sees the phone's order whatever order the network delivered. A ping beyond a
 * gap waits. Nothing waits forever: the gap is declared lost (its seqs skipped, the ack moves past them)
 * when the pings waiting behind it span more than `gapTimeoutSeconds` of device time, when more than
 * `maxPending` wait, or when the oldest has waited `gapTimeoutSeconds` of wall time (a phone that went
 * quiet after a loss). Device time rather than arrival time decides first, so an offline buffer uploaded
 * late (its pings older than the live ones waiting) still fills its gap: the live pings behind it span
 * only the seconds since reconnection. A ping arriving after its seq was skipped is `late`: new for the
 * track, but never applied out of order.
 */
export class SeqStream {
  readonly mode = 'seq' as const;
  private applied: number;
  private readonly pending = new Map<number, Waiting>();
  private skipped: Array<[number, number]>;
  // Aggregates over pending, kept so a release with a gap costs O(1) until the gap moves.
  private minTime = Number.POSITIVE_INFINITY;
  private maxTime = Number.NEGATIVE_INFINITY;
  private minReceivedAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly options: StreamOptions = DEFAULT_STREAM_OPTIONS,
    state?: { applied?: number; pending?: Waiting[]; skipped?: Array<[number, number]> },
  ) {
    this.applied = state?.applied ?? 0;
    this.skipped = state?.skipped?.map(([a, b]) => [a, b]) ?? [];
    for (const w of state?.pending ?? []) this.add({ ...w });
  }

  /** A stream resuming after `ackedSeq` (what the store last acknowledged to the phone). */
  static resume(ackedSeq: number, options?: StreamOptions): SeqStream {
    return new SeqStream(options, { applied: ackedSeq });
  }

  static fromJSON(json: SeqStreamJSON, options?: StreamOptions): SeqStream {
    return new SeqStream(options, json);
  }

  /** Highest seq such that every seq up to it was seen (applied or rejected) or given up on. */
  get ackedSeq(): number {
    return this.applied;
  }

  /** Pings waiting for a gap to fill. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Takes a valid ping (its seq is set). */
  receive(ping: Ping, now: number): Admission {
    return this.admit({ seq: ping.seq as number, ping, receivedAt: now });
  }

  /** Takes the seq of a rejected ping: it is seen, so the ack can move past it. */
  receiveRejected(seq: number, now: number): Admission {
    return this.admit({ seq, receivedAt: now });
  }

  private admit(w: Waiting): Admission {
    if (w.seq <= this.applied) return this.wasSkipped(w.seq) ? 'late' : 'duplicate';
    if (this.pending.has(w.seq)) return 'duplicate';
    this.add(w);
    return 'new';
  }

  release(now: number): Release {
    const pings: Ping[] = [];
    let lost = 0;
    for (;;) {
      let drained = false;
      for (let w = this.pending.get(this.applied + 1); w !== undefined; w = this.pending.get(this.applied + 1)) {
        this.pending.delete(w.seq);
        this.applied = w.seq;
        if (w.ping) pings.push(w.ping);
        drained = true;
      }
      if (drained) this.recomputeAggregates();
      if (this.pending.size === 0 || !this.gapExpired(now)) break;
      let next = Number.POSITIVE_INFINITY;
      for (const seq of this.pending.keys()) if (seq < next) next = seq;
      this.rememberSkipped(this.applied + 1, next - 1);
      lost += next - 1 - this.applied;
      this.applied = next - 1;
    }
    return { pings, lost };
  }

  private gapExpired(now: number): boolean {
    const timeout = this.options.gapTimeoutSeconds * 1000;
    return (
      this.pending.size > this.options.maxPending ||
      this.maxTime - this.minTime > timeout ||
      now - this.minReceivedAt > timeout
    );
  }

  private add(w: Waiting): void {
    this.pending.set(w.seq, w);
    if (w.ping) {
      if (w.ping.deviceTime < this.minTime) this.minTime = w.ping.deviceTime;
      if (w.ping.deviceTime > this.maxTime) this.maxTime = w.ping.deviceTime;
    }
    if (w.receivedAt < this.minReceivedAt) this.minReceivedAt = w.receivedAt;
  }

  private recomputeAggregates(): void {
    this.minTime = this.minReceivedAt = Number.POSITIVE_INFINITY;
    this.maxTime = Number.NEGATIVE_INFINITY;
    for (const w of this.pending.values()) {
      if (w.ping) {
        if (w.ping.deviceTime < this.minTime) this.minTime = w.ping.deviceTime;
        if (w.ping.deviceTime > this.maxTime) this.maxTime = w.ping.deviceTime;
      }
      if (w.receivedAt < this.minReceivedAt) this.minReceivedAt = w.receivedAt;
    }
  }

  private rememberSkipped(from: number, to: number): void {
    this.skipped.push([from, to]);
    if (this.skipped.length > SKIPPED_RANGES_KEPT) this.skipped.shift();
  }

  private wasSkipped(seq: number): boolean {
    for (const [from, to] of this.skipped) if (seq >= from && seq <= to) return true;
    return false;
  }

  toJSON(): SeqStreamJSON {
    return {
      mode: 'seq',
      applied: this.applied,
      pending: [...this.pending.values()].sort((a, b) => a.seq - b.seq),
      skipped: this.skipped.map(([a, b]) => [a, b]),
    };
  }
}

/** Device times of recently applied pings kept to recognise a resent one. */
const RECENT_TIMES_KEPT = 512;

/**
 * Pings without a seq (Traccar Client): ordered by device time, a duplicate is the same device time.
 * Each ping is held in a small sorted buffer until a ping `reorderWindowSeconds` newer has arrived or it
 * has waited that long in wall time, then applied in device-time order. One older than the last applied
 * is `late` (Traccar Client uploads its buffer oldest first, so this is rare), unless its device time was
 * among the recently applied, which makes it a duplicate.
 */
export class TimeStream {
  readonly mode = 'time' as const;
  private lastApplied: number;
  private readonly held: Array<{ ping: Ping; receivedAt: number }>;
  private readonly recent: number[];
  private readonly recentSet: Set<number>;

  constructor(
    private readonly options: StreamOptions = DEFAULT_STREAM_OPTIONS,
    state?: Omit<TimeStreamJSON, 'mode'>,
  ) {
    // 0 is before any valid device time (validation refuses anything before 2000).
    this.lastApplied = state?.lastApplied ?? 0;
    this.held = state?.held.map((h) => ({ ...h })) ?? [];
    this.recent = [...(state?.recent ?? [])];
    this.recentSet = new Set(this.recent);
  }

  static fromJSON(json: TimeStreamJSON, options?: StreamOptions): TimeStream {
    return new TimeStream(options, json);
  }

  /** Seq-less phones are not acknowledged by seq. */
  get ackedSeq(): number {
    return 0;
  }

  get waiting(): number {
    return this.held.length;
  }

  receive(ping: Ping, now: number): Admission {
    const t = ping.deviceTime;
    if (t <= this.lastApplied) return this.recentSet.has(t) ? 'duplicate' : 'late';
    // Binary search for the insertion point; an equal time is the same fix sent twice.
    let lo = 0;
    let hi = this.held.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.held[mid].ping.deviceTime < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.held.length && this.held[lo].ping.deviceTime === t) return 'duplicate';
    this.held.splice(lo, 0, { ping, receivedAt: now });
    return 'new';
  }

  /** Seq-less pings have no seq to fill: a rejected one simply is not applied. */
  receiveRejected(): Admission {
    return 'new';
  }

  release(now: number): Release {
    const window = this.options.reorderWindowSeconds * 1000;
    const newest = this.held.length > 0 ? this.held[this.held.length - 1].ping.deviceTime : 0;
    let n = 0;
    while (
      n < this.held.length &&
      (this.held[n].ping.deviceTime <= newest - window ||
        now - this.held[n].receivedAt >= window ||
        this.held.length - n > this.options.maxPending)
    ) {
      n++;
    }
    const pings = this.held.splice(0, n).map((h) => h.ping);
    for (const p of pings) this.remember(p.deviceTime);
    return { pings, lost: 0 };
  }

  private remember(t: number): void {
    this.lastApplied = t;
    this.recent.push(t);
    this.recentSet.add(t);
    if (this.recent.length > RECENT_TIMES_KEPT) this.recentSet.delete(this.recent.shift() as number);
  }

  toJSON(): TimeStreamJSON {
    return {
      mode: 'time',
      lastApplied: this.lastApplied,
      held: this.held.map((h) => ({ ...h })),
      recent: [...this.recent],
    };
  }
}

export type WorkerStream = SeqStream | TimeStream;

export function createStream(mode: 'seq' | 'time', options?: StreamOptions): WorkerStream {
  return mode === 'seq' ? new SeqStream(options) : new TimeStream(options);
}

export function streamFromJSON(json: StreamJSON, options?: StreamOptions): WorkerStream {
  return json.mode === 'seq' ? SeqStream.fromJSON(json, options) : TimeStream.fromJSON(json, options);
}
