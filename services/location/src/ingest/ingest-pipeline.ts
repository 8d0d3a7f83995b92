// The per-replica ingest queue and its group commit: idle, a ping is flushed at once; under load pings pile up
// while a flush runs and the next flush takes them all. Results go back to their streams and calls after COMMIT.
import { DomainError, type Logger } from '@fieldline/platform';
import type { Ping } from '../domain/ping.js';
import type { Flusher, FlushOutcome } from './flusher.js';
import { type DeviceRef, deviceKey, type Work, type WorkOwner, type WorkResult } from './ingest-work.js';

export class IngestUnavailable extends DomainError {
  constructor() {
    super('unavailable', 'INGEST_UNAVAILABLE', 'pings cannot be stored right now; send them again later');
  }
}

export interface PipelineOptions {
  /** Most pings one flush takes (whole pieces of work: one may exceed it alone). */
  maxBatch: number;
  /** Flush attempts for a piece of work before it is failed (its pings are not acked, so phones resend). */
  maxAttempts?: number;
  /** Pings queued beyond this pause the streams until a flush has made room. */
  highWater?: number;
  /** How often devices holding pings back are looked at. */
  tickMs?: number;
  now?: () => number;
}

export interface PipelineStats {
  flushes: number;
  pings: number;
  stored: number;
  failedFlushes: number;
}

/** Something that stops reading while the queue is full (a stream). */
export interface Pausable {
  pause(): void;
  resume(): void;
}

const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;

export class IngestPipeline {
  private queue: Work[] = [];
  private queuedPings = 0;
  private flushing = false;
  private scheduled = false;
  private retryTimer?: NodeJS.Timeout;
  private backoffMs = 0;
  private tickTimer?: NodeJS.Timeout;
  private readonly waiting = new Map<string, DeviceRef & { seqLess: boolean; dueAt: number }>();
  /** Devices with a tick queued, so a slow flush never gets the same tick twice. */
  private readonly ticking = new Set<string>();
  private readonly listeners = new Map<string, Set<WorkOwner & { tickAck?(ackedSeq: number): void }>>();
  private readonly paused = new Set<Pausable>();
  private readonly idleWaiters: Array<() => void> = [];
  private stopped = false;
  readonly stats: PipelineStats = { flushes: 0, pings: 0, stored: 0, failedFlushes: 0 };
  private readonly maxAttempts: number;
  private readonly highWater: number;
  private readonly now: () => number;

  constructor(
    private readonly flusher: Flusher,
    private readonly log: Logger,
    private readonly options: PipelineOptions,
    private readonly onFlushed: (outcome: FlushOutcome) => void = () => {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.highWater = options.highWater ?? options.maxBatch * 4;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.tickTimer = setInterval(() => this.tick(), this.options.tickMs ?? 1000);
    this.tickTimer.unref();
  }

  /** Queues pings of one device; returns the work (a stream may add more pings to it until a flush takes it). */
  submit(ref: DeviceRef, pings: Ping[], opts: { seqLess?: boolean; owner?: WorkOwner }): Work {
    const work: Work = {
      kind: 'pings',
      ...ref,
      pings,
      seqLess: opts.seqLess === true,
      owner: opts.owner,
      taken: false,
      attempts: 0,
    };
    this.enqueue(work);
    return work;
  }

  /** Adds pings to work still in the queue (a stream's next message); false when a flush already took it. */
  append(work: Work, pings: Ping[]): boolean {
    if (work.taken) return false;
    work.pings.push(...pings);
    this.queuedPings += pings.length;
    return true;
  }

  /** Whether the queue is past its high-water mark: a stream should pause and call `whenRoom`. */
  get full(): boolean {
    return this.queuedPings >= this.highWater;
  }

  /** Resumes `stream` once a flush has made room. */
  whenRoom(stream: Pausable): void {
    stream.pause();
    this.paused.add(stream);
  }

  /** Streams of a device hear about acks a tick moved (a gap given up on). */
  listen(ref: DeviceRef, owner: WorkOwner & { tickAck?(ackedSeq: number): void }): () => void {
    const key = deviceKey(ref);
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(owner);
    return () => {
      set.delete(owner);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  /** Resolves when nothing is queued or being flushed (shutdown, tests). */
  idle(): Promise<void> {
    if (!this.flushing && this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Flushes what is queued, then stops ticking; later submissions are failed. */
  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.backoffMs = 0;
      this.schedule();
    }
    await this.idle();
    this.stopped = true;
  }

  private enqueue(work: Work): void {
    if (this.stopped) {
      work.owner?.failed(work, new IngestUnavailable());
      return;
    }
    this.queue.push(work);
    this.queuedPings += work.pings.length;
    this.schedule();
  }

  // setImmediate, not at once: pings that arrived in the same turn of the event loop share the flush.
  private schedule(): void {
    if (this.flushing || this.scheduled || this.retryTimer || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.take();
        let outcome: FlushOutcome;
        try {
          outcome = await this.flusher.run(batch);
        } catch (err) {
          this.failed(batch, err);
          return;
        }
        this.backoffMs = 0;
        this.delivered(batch, outcome);
      }
    } finally {
      this.flushing = false;
      if (!this.retryTimer) this.schedule();
      if (this.queue.length === 0 && !this.scheduled && !this.flushing) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
    }
  }

  private take(): Work[] {
    let n = 0;
    let pings = 0;
    while (n < this.queue.length && (n === 0 || pings + this.queue[n].pings.length <= this.options.maxBatch)) {
      pings += this.queue[n].pings.length;
      n++;
    }
    const batch = this.queue.splice(0, n);
    for (const w of batch) {
      w.taken = true;
      this.queuedPings -= w.pings.length;
      if (w.kind === 'tick') this.ticking.delete(deviceKey(w));
    }
    this.resumePaused();
    return batch;
  }

  private delivered(batch: Work[], outcome: FlushOutcome): void {
    this.stats.flushes++;
    this.stats.pings += outcome.pings;
    this.stats.stored += outcome.stored;
    for (const d of outcome.settled) this.waiting.delete(deviceKey(d));
    for (const d of outcome.waiting) this.waiting.set(deviceKey(d), d);
    for (const w of batch) {
      const result = outcome.results.get(w);
      if (result === undefined) continue;
      if (result instanceof Error) w.owner?.failed(w, result);
      else if (w.kind === 'tick') this.tickAcked(w, result);
      else w.owner?.done(w, result);
    }
    try {
      this.onFlushed(outcome);
    } catch (err) {
      this.log.error({ err }, 'after-flush hook failed');
    }
  }

  private tickAcked(w: Work, result: WorkResult): void {
    for (const owner of this.listeners.get(deviceKey(w)) ?? []) owner.tickAck?.(result.ackedSeq);
  }

  /** Puts the batch back in front (order kept) to retry after a back-off; work out of attempts is failed. */
  private failed(batch: Work[], err: unknown): void {
    this.stats.failedFlushes++;
    this.backoffMs = Math.min(this.backoffMs ? this.backoffMs * 2 : FIRST_BACKOFF_MS, MAX_BACKOFF_MS);
    const retry: Work[] = [];
    for (const w of batch) {
      w.attempts++;
      if (w.attempts < this.maxAttempts && !this.stopped) retry.push(w);
      else if (w.kind === 'tick') this.ticking.delete(deviceKey(w));
      else w.owner?.failed(w, new IngestUnavailable());
    }
    this.log.warn(
      { err, pings: batch.reduce((n, w) => n + w.pings.length, 0), retryInMs: this.backoffMs, retried: retry.length },
      'flush failed; nothing of it was acknowledged',
    );
    // Taken work stays taken: a stream's later pings queue behind it as new work, so order holds.
    this.queue.unshift(...retry);
    for (const w of retry) this.queuedPings += w.pings.length;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, this.backoffMs);
  }

  private resumePaused(): void {
    if (this.full || this.paused.size === 0) return;
    const streams = [...this.paused];
    this.paused.clear();
    for (const s of streams) s.resume();
  }

  /** Queues a tick for each device whose held-back pings may go now. */
  private tick(): void {
    const now = this.now();
    for (const [key, d] of this.waiting) {
      if (d.dueAt > now || this.ticking.has(key)) continue;
      this.ticking.add(key);
      this.enqueue({
        kind: 'tick',
        tenantId: d.tenantId,
        deviceId: d.deviceId,
        workerId: d.workerId,
        pings: [],
        seqLess: d.seqLess,
        taken: false,
        attempts: 0,
      });
    }
  }
}
