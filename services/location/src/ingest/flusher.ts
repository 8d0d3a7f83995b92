// One flush = one PostgreSQL transaction: lock the devices, catch up on what other replicas did to them, run the
// pings through the engine, write track points (one INSERT), arrival/departure events (outbox) and device states.
import { type Logger, type Outbox, Unauthenticated } from '@fieldline/platform';
import { type Kysely, sql } from 'kysely';
import type { DeviceSnapshot, LocationEngine, SiteEvent, WorkerPosition } from '../domain/engine.js';
import { MAX_FUTURE_MS } from '../domain/ping.js';
import { createStream, type StreamJSON, type StreamOptions } from '../domain/worker-stream.js';
import { siteEvent } from '../events/location-events.js';
import { DeviceStateStore, type SavedDevice, saveDevicesSql } from '../store/device-state.store.js';
import type { LocationDb } from '../store/schema.js';
import { dayOf, type TrackPartitions } from '../store/track-partitions.js';
import { insertTrackSql, TrackBatch } from '../store/track-points.store.js';
import { type DeviceRef, deviceKey, type Work, type WorkResult } from './ingest-work.js';

export interface FlushOutcome {
  /** Per piece of work: its result, or why it was refused (a deactivated worker). */
  results: Map<Work, WorkResult | Error>;
  /** Each moved worker's newest position. */
  positions: Array<{ tenantId: string; position: WorkerPosition }>;
  events: SiteEvent[];
  /** Devices still holding pings back, with the wall time at which a tick may release some. */
  waiting: Array<DeviceRef & { seqLess: boolean; dueAt: number }>;
  /** Devices with nothing held back any more. */
  settled: DeviceRef[];
  pings: number;
  stored: number;
}

interface DeviceBatch extends DeviceRef {
  key: string;
  seqLess: boolean;
  work: Work[];
}

export interface FlusherDeps {
  db: Kysely<LocationDb>;
  engine: LocationEngine;
  outbox: Outbox;
  partitions: TrackPartitions;
  streamOptions: StreamOptions;
  clock: () => Date;
  log: Logger;
  /** Deactivated workers' pings are refused. */
  isInactive(tenantId: string, workerId: string): boolean;
}

export class Flusher {
  /** The device_state version this replica's engine holds for each device; absent = unknown. */
  private readonly versions = new Map<string, number>();

  constructor(private readonly deps: FlusherDeps) {}

  async run(work: readonly Work[]): Promise<FlushOutcome> {
    const { engine, partitions } = this.deps;
    const now = this.deps.clock().getTime();
    const batches = new Map<string, DeviceBatch>();
    const days = new Set<number>();
    let pings = 0;
    for (const w of work) {
      const key = deviceKey(w);
      let b = batches.get(key);
      if (!b) {
        b = { key, tenantId: w.tenantId, deviceId: w.deviceId, workerId: w.workerId, seqLess: w.seqLess, work: [] };
        batches.set(key, b);
      }
      b.workerId = w.workerId; // the newest says who carries the phone now
      b.work.push(w);
      pings += w.pings.length;
      for (const p of w.pings) {
        const t = p.deviceTime;
        if (Number.isFinite(t) && t <= now + MAX_FUTURE_MS && partitions.keeps(t, now)) days.add(dayOf(t));
      }
    }
    await partitions.ensure(days);
    const devices = [...batches.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    try {
      return await this.deps.db
        .transaction()
        .execute(async (tx) => {
          const store = new DeviceStateStore(tx);
          const locked = await store.lock(
            devices,
            devices.map((d) => this.versions.get(d.key) ?? -1),
          );
          const stored = new Map(locked.map((l) => [deviceKey(l), l]));
          // The other phones of these workers, as they are stored now: presence is reported per worker, so this
          // replica must see what they did elsewhere before the batch's pings decide anything.
          // (One never stored is left alone: its own next flush starts it, knowing whether it sends a seq.)
          for (const row of locked) {
            const key = deviceKey(row);
            if (!row.sibling || !row.state || row.version === this.versions.get(key)) continue;
            this.restoreSibling(row.tenantId, row.deviceId, row.state, row.position ?? undefined);
            this.versions.set(key, row.version);
          }
          const outcome: FlushOutcome = {
            results: new Map(),
            positions: [],
            events: [],
            waiting: [],
            settled: [],
            pings,
            stored: 0,
          };
          const tracks = new TrackBatch();
          const saves: SavedDevice[] = [];
          for (const d of devices) {
            const row = stored.get(d.key);
            if (!row) throw new Error(`device ${d.deviceId} has no state row after locking`);
            if (row.state !== undefined) this.restore(d, row.state, row.position ?? undefined);
            let position: WorkerPosition | undefined;
            for (const w of d.work) {
              if (this.deps.isInactive(w.tenantId, w.workerId)) {
                outcome.results.set(w, new Unauthenticated('this worker is deactivated', 'USER_DEACTIVATED'));
                continue;
              }
              const res = engine.ingest(w.tenantId, w.deviceId, w.workerId, w.pings, now, { seqLess: w.seqLess });
              if (res.newPings.length > 0) {
                const slot = tracks.device(w.tenantId, w.workerId, w.deviceId);
                for (const p of res.newPings) {
                  if (partitions.keeps(p.deviceTime, now)) tracks.push(slot, p, w.seqLess || !p.seq ? null : p.seq);
                }
              }
              outcome.events.push(...res.events);
              if (res.position) position = res.position;
              outcome.results.set(w, {
                ackedSeq: res.ackedSeq,
                rejected: res.rejected,
                accepted: res.newPings.length,
                duplicates: res.duplicates,
              });
            }
            const snapshot = engine.snapshotDevice(d.tenantId, d.deviceId);
            if (!snapshot) continue;
            saves.push({
              tenantId: d.tenantId,
              deviceId: d.deviceId,
              workerId: d.workerId,
              version: row.version + 1,
              state: snapshot,
              position,
            });
            if (position) outcome.positions.push({ tenantId: d.tenantId, position });
            const dueAt = this.releaseDueAt(snapshot.stream);
            if (dueAt === undefined) outcome.settled.push(d);
            else outcome.waiting.push({ ...d, seqLess: snapshot.stream.mode === 'time', dueAt });
          }
          outcome.stored = tracks.size;
          await this.deps.outbox.addAll(tx, outcome.events.map(siteEvent));
          // Track points and device states in one statement: one round trip fewer per flush.
          if (tracks.size > 0 && saves.length > 0) {
            await sql`with t as (${insertTrackSql(tracks, new Date(now))}), s as (${saveDevicesSql(saves)})
                      select 1`.execute(tx);
          } else {
            if (tracks.size > 0) await insertTrackSql(tracks, new Date(now)).execute(tx);
            await store.save(saves);
          }
          return { outcome, saves };
        })
        .then(({ outcome, saves }) => {
          for (const s of saves) this.versions.set(deviceKey(s), s.version);
          return outcome;
        });
    } catch (err) {
      // The engine moved on in memory but nothing was stored: the next flush of these devices restores them.
      for (const d of devices) this.versions.delete(d.key);
      // A partition dropped by another replica (or by hand) is created again on the retry.
      partitions.forget();
      throw err;
    }
  }

  /** Puts a device back as the database has it (another replica ingested it, or our last flush failed). */
  private restore(d: DeviceBatch, state: DeviceSnapshot | null, position: WorkerPosition | undefined): void {
    const { engine } = this.deps;
    if (state) {
      engine.restoreDevice(d.tenantId, d.deviceId, state);
    } else {
      // Never stored: start afresh, forgetting whatever a failed flush left in memory (presence included).
      const stream = createStream(d.seqLess ? 'time' : 'seq', this.deps.streamOptions).toJSON();
      engine.restoreDevice(d.tenantId, d.deviceId, { workerId: d.workerId, stream, presence: {} });
    }
    if (position && !this.deps.isInactive(d.tenantId, position.workerId)) {
      engine.observePosition(d.tenantId, position);
    }
  }

  /** Another phone of a batch's worker, as stored: only its state (nothing of it is ingested or saved here). */
  private restoreSibling(tenantId: string, deviceId: string, state: DeviceSnapshot, position?: WorkerPosition): void {
    this.deps.engine.restoreDevice(tenantId, deviceId, state);
    if (position && !this.deps.isInactive(tenantId, position.workerId)) {
      this.deps.engine.observePosition(tenantId, position);
    }
  }

  /**
   * When a tick may release something of a device's held-back pings (wall time), or undefined when nothing is
   * held. Mirrors worker-stream.ts: a seq gap is given up `gapTimeoutSeconds` after the oldest waiting ping
   * arrived; a seq-less ping waits at most `reorderWindowSeconds`.
   */
  private releaseDueAt(stream: StreamJSON): number | undefined {
    const { gapTimeoutSeconds, reorderWindowSeconds } = this.deps.streamOptions;
    const waiting = stream.mode === 'seq' ? stream.pending : stream.held;
    if (waiting.length === 0) return undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const w of waiting) if (w.receivedAt < oldest) oldest = w.receivedAt;
    return stream.mode === 'seq' ? oldest + gapTimeoutSeconds * 1000 + 1 : oldest + reorderWindowSeconds * 1000;
  }
}
