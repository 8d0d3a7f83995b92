// The location engine of one service instance: pings in; positions, nearest workers and site arrivals/departures out.
import { InvalidArgument } from '@fieldline/platform';
import { DispatchDisabled } from './errors.js';
import type { CompiledFence, Fence } from './fence.js';
import { FenceIndex } from './fence-index.js';
import { checkLatLng, MAX_DISTANCE_M } from './geo.js';
import { type Ping, type PingRejection, validatePing } from './ping.js';
import { type PresenceParams, type PresenceState, PresenceTracker, usableFix } from './presence.js';
import { WorkerIndex } from './worker-index.js';
import {
  createStream,
  DEFAULT_STREAM_OPTIONS,
  SeqStream,
  type StreamJSON,
  type StreamOptions,
  streamFromJSON,
  type WorkerStream,
} from './worker-stream.js';

export interface TenantSettings {
  /** Inside a fence this long before an arrival is declared. */
  minOnSiteSeconds: number;
  /** Off: no arrivals or departures at all (and no presence kept). */
  autoLoggingEnabled: boolean;
  /** Off: `nearest` is refused. */
  dispatchEnabled: boolean;
  /** A position older than this (device time) is stale: shown, never available. */
  positionStaleSeconds: number;
}

/** The same defaults as a new tenant's settings in the accounts service. */
export const DEFAULT_TENANT_SETTINGS: Readonly<TenantSettings> = Object.freeze({
  minOnSiteSeconds: 120,
  autoLoggingEnabled: true,
  dispatchEnabled: true,
  positionStaleSeconds: 300,
});

export interface EngineOptions {
  workerCellM?: number;
  fenceCellM?: number;
  /** Beyond a fence's band this long before a departure is declared; default 60. */
  exitDelaySeconds?: number;
  /** Fixes less accurate than this never move presence; default 100 m. */
  maxAccuracyM?: number;
  stream?: Partial<StreamOptions>;
}

export interface WorkerPosition {
  workerId: string;
  deviceId: string;
  lat: number;
  lng: number;
  accuracyM: number;
  speedMps: number;
  headingDeg: number;
  batteryPct: number;
  /** Epoch ms, phone clock. */
  deviceTime: number;
  /** Epoch ms, our clock. */
  receivedAt: number;
}

/** worker_arrived / worker_departed: `at` is the phone's time of the first fix of the run (epoch ms). */
export interface SiteEvent {
  kind: 'arrived' | 'departed';
  tenantId: string;
  workerId: string;
  deviceId: string;
  fenceId: string;
  jobId?: string;
  customerId?: string;
  siteId?: string;
  at: number;
  lat: number;
  lng: number;
}

export interface IngestResult {
  /** Pings applied to presence by this call, in the phone's order (some may have arrived earlier). */
  applied: number;
  duplicates: number;
  /** First seen, but after their seq was given up on (or, seq-less, older than what was applied). */
  late: number;
  /** Seqs given up on by this call (see worker-stream.ts). */
  lost: number;
  rejected: PingRejection[];
  events: SiteEvent[];
  /** Highest seq such that all up to it were seen, rejected or given up on: the phone may drop them. */
  ackedSeq: number;
  positionsChanged: boolean;
  /** The worker's latest position when this call changed it. */
  position?: WorkerPosition;
  /** Valid pings seen for the first time (including late ones): what the track store should write. */
  newPings: Ping[];
}

export interface WorkerShift {
  onShift: boolean;
  skills: ReadonlySet<string>;
}

/** off_shift, then busy, then stale take precedence: the first that applies is the status. */
export type WorkerStatus = 'available' | 'busy' | 'off_shift' | 'stale';

export interface NearestQuery {
  lat: number;
  lng: number;
  radiusM: number;
  /** Default 10, at most MAX_NEAREST_LIMIT. */
  limit?: number;
  /** Only workers with this skill. */
  skill?: string;
  /** Only available workers (on shift, not busy, has the skill, fresh position). */
  availableOnly?: boolean;
}

export interface NearbyWorker {
  workerId: string;
  distanceM: number;
  position: WorkerPosition;
  status: WorkerStatus;
  skills: string[];
}

/** What to persist per device to resume exactly where it was (stream order and presence). */
export interface DeviceSnapshot {
  workerId: string;
  stream: StreamJSON;
  presence: Record<string, PresenceState>;
}

export const MAX_NEAREST_LIMIT = 500;
const DEFAULT_EXIT_DELAY_SECONDS = 60;
const DEFAULT_MAX_ACCURACY_M = 100;
const NO_SKILLS: ReadonlySet<string> = new Set();

interface DeviceContext {
  tenantId: string;
  deviceId: string;
  workerId: string;
  stream: WorkerStream;
}

/** What the engine knows of a worker; the position index carries it, so a nearest filter reads no other map. */
interface WorkerRecord {
  position: WorkerPosition | undefined;
  onShift: boolean;
  skills: ReadonlySet<string>;
  busy: boolean;
}

interface TenantState {
  settings: TenantSettings;
  workers: Map<string, WorkerRecord>;
  positions: WorkerIndex<WorkerRecord>;
  fences: FenceIndex;
  presence: PresenceTracker;
  devices: Map<string, DeviceContext>;
}

/**
 * Everything is in memory and synchronous; callers pass `now` (epoch ms) so the engine never reads a
 * clock. Each tenant has its own worker index, fence index, presence and device streams.
 */
export class LocationEngine {
  private readonly tenants = new Map<string, TenantState>();
  /** Devices with pings waiting (a gap, or a seq-less reorder window): `tick` looks only at these. */
  private readonly waiting = new Map<string, DeviceContext>();
  private readonly streamOptions: StreamOptions;
  private readonly exitDelayMs: number;
  private readonly maxAccuracyM: number;

  constructor(private readonly options: EngineOptions = {}) {
    this.streamOptions = { ...DEFAULT_STREAM_OPTIONS, ...options.stream };
    this.exitDelayMs = (options.exitDelaySeconds ?? DEFAULT_EXIT_DELAY_SECONDS) * 1000;
    this.maxAccuracyM = options.maxAccuracyM ?? DEFAULT_MAX_ACCURACY_M;
  }

  // ---- tenant settings, fences, shifts

  settings(tenantId: string): TenantSettings {
    return { ...(this.tenants.get(tenantId)?.settings ?? DEFAULT_TENANT_SETTINGS) };
  }

  setTenantSettings(tenantId: string, patch: Partial<TenantSettings>): TenantSettings {
    const t = this.tenant(tenantId);
    const next = { ...t.settings };
    if (patch.minOnSiteSeconds !== undefined) {
      next.minOnSiteSeconds = intIn('minOnSiteSeconds', patch.minOnSiteSeconds, 0, 86_400);
    }
    if (patch.positionStaleSeconds !== undefined) {
      next.positionStaleSeconds = intIn('positionStaleSeconds', patch.positionStaleSeconds, 1, 7 * 86_400);
    }
    if (patch.autoLoggingEnabled !== undefined) next.autoLoggingEnabled = patch.autoLoggingEnabled;
    if (patch.dispatchEnabled !== undefined) next.dispatchEnabled = patch.dispatchEnabled;
    // Turned off, presence is dropped: turned back on, visits start afresh rather than from stale state.
    if (!next.autoLoggingEnabled) t.presence.clear();
    t.settings = next;
    return { ...next };
  }

  /** Adds or replaces a fence (InvalidArgument names the bad field). Presence at it carries over. */
  upsertFence(fence: Fence): void {
    this.tenant(fence.tenantId).fences.upsert(fence);
  }

  /** Removes a fence; presence at it is dropped without a departure (the job or site is gone). */
  removeFence(tenantId: string, fenceId: string): boolean {
    return this.tenants.get(tenantId)?.fences.remove(fenceId) ?? false;
  }

  /** Sets who a fence watches (a job's assignees); a worker no longer watched is dropped silently. */
  setFenceWorkers(tenantId: string, fenceId: string, workerIds: ReadonlySet<string> | 'any'): boolean {
    return this.tenants.get(tenantId)?.fences.setWorkers(fenceId, workerIds) !== undefined;
  }

  fence(tenantId: string, fenceId: string): Fence | undefined {
    return this.tenants.get(tenantId)?.fences.get(fenceId)?.fence;
  }

  setShift(tenantId: string, workerId: string, shift: { onShift: boolean; skills: Iterable<string> }): void {
    const w = this.worker(this.tenant(tenantId), workerId);
    w.onShift = shift.onShift;
    w.skills = new Set(shift.skills);
  }

  shift(tenantId: string, workerId: string): WorkerShift {
    const w = this.tenants.get(tenantId)?.workers.get(workerId);
    return { onShift: w?.onShift ?? false, skills: w?.skills ?? NO_SKILLS };
  }

  /** Busy = a job of the worker is in progress (kept current by the service from jobs events). */
  setBusy(tenantId: string, workerId: string, busy: boolean): void {
    this.worker(this.tenant(tenantId), workerId).busy = busy;
  }

  // ---- pings

  /**
   * Validates, dedupes and orders one device's pings, moves the worker's latest position to the newest
   * fix at once, and applies to presence (in the phone's order) every ping whose turn has come.
   * `seqLess` is for Traccar Client (ordered and deduplicated by device time).
   */
  ingest(
    tenantId: string,
    deviceId: string,
    workerId: string,
    pings: readonly Ping[],
    now: number,
    options: { seqLess?: boolean } = {},
  ): IngestResult {
    const t = this.tenant(tenantId);
    const mode = options.seqLess ? 'time' : 'seq';
    const ctx = this.device(t, tenantId, deviceId, workerId, mode);
    const result: IngestResult = {
      applied: 0,
      duplicates: 0,
      late: 0,
      lost: 0,
      rejected: [],
      events: [],
      ackedSeq: 0,
      positionsChanged: false,
      newPings: [],
    };
    for (const ping of pings) {
      const rejection =
        ctx.stream.mode === mode
          ? validatePing(ping, now, { seqLess: options.seqLess })
          : { seq: 0, field: 'seq', reason: `this device sends pings ${mode === 'seq' ? 'without' : 'with'} seq` };
      if (rejection) {
        result.rejected.push(rejection);
        if (ctx.stream.mode === 'seq' && rejection.seq > 0) ctx.stream.receiveRejected(rejection.seq, now);
        continue;
      }
      const admission = ctx.stream.receive(ping, now);
      if (admission === 'duplicate') {
        result.duplicates++;
        continue;
      }
      if (admission === 'late') result.late++;
      result.newPings.push(ping);
      const position = this.movePosition(t, ctx, ping, now);
      if (position) {
        result.positionsChanged = true;
        result.position = position;
      }
    }
    this.release(t, ctx, now, result);
    result.ackedSeq = ctx.stream.ackedSeq;
    return result;
  }

  /**
   * Lets waiting pings go by wall time (a gap nobody fills, a seq-less reorder window): call it every
   * second or so. Returns the events this declares.
   */
  tick(now: number): SiteEvent[] {
    const events: SiteEvent[] = [];
    for (const ctx of [...this.waiting.values()]) {
      const t = this.tenants.get(ctx.tenantId);
      if (!t) continue;
      const result = { applied: 0, lost: 0, events };
      this.release(t, ctx, now, result);
    }
    return events;
  }

  /**
   * Takes a position observed elsewhere (another replica's position stream, or the last stored track point
   * at start): moves the worker's latest position if it is newer. No presence change.
   */
  observePosition(tenantId: string, position: WorkerPosition): boolean {
    const problem = checkLatLng(position.lat, position.lng);
    if (problem) throw new InvalidArgument(problem.field, problem.reason);
    const t = this.tenant(tenantId);
    const w = this.worker(t, position.workerId);
    if (w.position && w.position.deviceTime >= position.deviceTime) return false;
    w.position = { ...position };
    t.positions.upsert(position.workerId, position.lat, position.lng, w);
    return true;
  }

  position(tenantId: string, workerId: string): WorkerPosition | undefined {
    return this.tenants.get(tenantId)?.workers.get(workerId)?.position;
  }

  positions(tenantId: string): WorkerPosition[] {
    const t = this.tenants.get(tenantId);
    return t ? [...t.positions.entries()].map((e) => e.data.position as WorkerPosition) : [];
  }

  /** Forgets a worker's position and presence (deactivated, or gone from the tenant). */
  removeWorker(tenantId: string, workerId: string): void {
    const t = this.tenants.get(tenantId);
    if (!t) return;
    t.positions.remove(workerId);
    t.workers.delete(workerId);
    t.presence.forgetWorker(workerId);
  }

  // ---- nearest

  /** Workers nearest to a point within a radius, closest first, each with its status. */
  nearest(tenantId: string, query: NearestQuery, now: number): NearbyWorker[] {
    const t = this.tenants.get(tenantId);
    const settings = t?.settings ?? DEFAULT_TENANT_SETTINGS;
    if (!settings.dispatchEnabled) throw new DispatchDisabled();
    const problem = checkLatLng(query.lat, query.lng);
    if (problem) throw new InvalidArgument(problem.field, problem.reason);
    if (!(Number.isFinite(query.radiusM) && query.radiusM > 0 && query.radiusM <= MAX_DISTANCE_M)) {
      throw new InvalidArgument('radiusM', 'radiusM must be more than 0 and at most half the Earth’s circumference');
    }
    const limit = query.limit ?? 10;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_NEAREST_LIMIT)) {
      throw new InvalidArgument('limit', `limit must be 1..${MAX_NEAREST_LIMIT}`);
    }
    if (!t) return [];
    const staleMs = settings.positionStaleSeconds * 1000;
    const skill = query.skill || undefined;
    const statusOf = (w: WorkerRecord): WorkerStatus => {
      if (!w.onShift) return 'off_shift';
      if (w.busy) return 'busy';
      if (now - (w.position as WorkerPosition).deviceTime > staleMs) return 'stale';
      return 'available';
    };
    const filter =
      skill === undefined && !query.availableOnly
        ? undefined
        : // Status first: its fields sit on the record already read; the skills set is one more memory read.
          (_id: string, w: WorkerRecord) =>
            (!query.availableOnly || statusOf(w) === 'available') && (skill === undefined || w.skills.has(skill));
    return t.positions.nearest(query.lat, query.lng, { radiusM: query.radiusM, limit, filter }).map((n) => ({
      workerId: n.id,
      distanceM: n.distanceM,
      position: n.data.position as WorkerPosition,
      status: statusOf(n.data),
      skills: [...n.data.skills].sort(),
    }));
  }

  // ---- persistence of device state

  /** A device's stream and its presence, as JSON to store (e.g. with each acked batch). */
  snapshotDevice(tenantId: string, deviceId: string): DeviceSnapshot | undefined {
    const t = this.tenants.get(tenantId);
    const ctx = t?.devices.get(deviceId);
    if (!t || !ctx) return undefined;
    return { workerId: ctx.workerId, stream: ctx.stream.toJSON(), presence: t.presence.toJSON(deviceId) };
  }

  /** Puts a device back as `snapshotDevice` saw it (after a restart or on another replica). */
  restoreDevice(tenantId: string, deviceId: string, snapshot: DeviceSnapshot): void {
    const t = this.tenant(tenantId);
    const ctx: DeviceContext = {
      tenantId,
      deviceId,
      workerId: snapshot.workerId,
      stream: streamFromJSON(snapshot.stream, this.streamOptions),
    };
    t.devices.set(deviceId, ctx);
    if (t.settings.autoLoggingEnabled) t.presence.restore(snapshot.workerId, deviceId, snapshot.presence);
    this.trackWaiting(ctx);
  }

  /** Starts a seq stream after a known ack (e.g. the highest seq stored) when no snapshot exists. */
  resumeDevice(tenantId: string, deviceId: string, workerId: string, ackedSeq: number): void {
    const t = this.tenant(tenantId);
    const ctx = { tenantId, deviceId, workerId, stream: SeqStream.resume(ackedSeq, this.streamOptions) };
    t.devices.set(deviceId, ctx);
    this.trackWaiting(ctx);
  }

  /** Forgets a device's stream (re-registered phone whose seq starts again). */
  resetDevice(tenantId: string, deviceId: string): void {
    this.tenants.get(tenantId)?.devices.delete(deviceId);
    this.waiting.delete(waitingKey(tenantId, deviceId));
  }

  // ---- internals

  private tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = {
        settings: { ...DEFAULT_TENANT_SETTINGS },
        workers: new Map(),
        positions: new WorkerIndex({ cellM: this.options.workerCellM }),
        fences: new FenceIndex({ cellM: this.options.fenceCellM }),
        presence: new PresenceTracker(),
        devices: new Map(),
      };
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  private worker(t: TenantState, workerId: string): WorkerRecord {
    let w = t.workers.get(workerId);
    if (!w) {
      w = { position: undefined, onShift: false, skills: NO_SKILLS, busy: false };
      t.workers.set(workerId, w);
    }
    return w;
  }

  private device(t: TenantState, tenantId: string, deviceId: string, workerId: string, mode: 'seq' | 'time') {
    let ctx = t.devices.get(deviceId);
    if (!ctx) {
      ctx = { tenantId, deviceId, workerId, stream: createStream(mode, this.streamOptions) };
      t.devices.set(deviceId, ctx);
    }
    // A device handed to another worker reports for the new one from now on, starting from outside everywhere.
    if (ctx.workerId !== workerId) t.presence.forgetDevice(deviceId);
    ctx.workerId = workerId;
    return ctx;
  }

  private movePosition(t: TenantState, ctx: DeviceContext, ping: Ping, now: number): WorkerPosition | undefined {
    const w = this.worker(t, ctx.workerId);
    if (w.position && w.position.deviceTime >= ping.deviceTime) return undefined;
    const position: WorkerPosition = {
      workerId: ctx.workerId,
      deviceId: ctx.deviceId,
      lat: ping.lat,
      lng: ping.lng,
      accuracyM: ping.accuracyM ?? 0,
      speedMps: ping.speedMps ?? -1,
      headingDeg: ping.headingDeg ?? -1,
      batteryPct: ping.batteryPct ?? -1,
      deviceTime: ping.deviceTime,
      receivedAt: now,
    };
    w.position = position;
    t.positions.upsert(ctx.workerId, ping.lat, ping.lng, w);
    return position;
  }

  private release(
    t: TenantState,
    ctx: DeviceContext,
    now: number,
    result: { applied: number; lost: number; events: SiteEvent[] },
  ): void {
    const { pings, lost } = ctx.stream.release(now);
    result.applied += pings.length;
    result.lost += lost;
    if (t.settings.autoLoggingEnabled) {
      const params: PresenceParams = { minOnSiteMs: t.settings.minOnSiteSeconds * 1000, exitDelayMs: this.exitDelayMs };
      for (const ping of pings) this.applyPresence(t, ctx, ping, params, result.events);
    }
    this.trackWaiting(ctx);
  }

  /** One ping against every fence it may matter to: the nearby ones, and the ones the worker is at. */
  private applyPresence(t: TenantState, ctx: DeviceContext, ping: Ping, params: PresenceParams, out: SiteEvent[]) {
    const workerId = ctx.workerId;
    const hits = t.fences.near(ping.lat, ping.lng);
    const first = out.length;
    for (const { fence, zone } of hits) {
      if (fence.watches(workerId)) this.observe(t, ctx, fence, ping, zone, params, out);
    }
    const active = t.presence.activeFences(ctx.deviceId);
    if (active !== undefined) {
      for (const fenceId of [...active.keys()]) {
        const f = t.fences.get(fenceId);
        if (f === undefined || !f.watches(workerId)) t.presence.forget(ctx.deviceId, fenceId);
        // Not near means beyond the fence and its band.
        else if (!hits.some((h) => h.fence === f)) this.observe(t, ctx, f, ping, 'outside', params, out);
      }
    }
    // One ping may settle several fences: a fixed order keeps replays identical.
    if (out.length - first > 1) {
      const mine = out.splice(first).sort((a, b) => (a.fenceId < b.fenceId ? -1 : a.fenceId > b.fenceId ? 1 : 0));
      out.push(...mine);
    }
  }

  private observe(
    t: TenantState,
    ctx: DeviceContext,
    f: CompiledFence,
    ping: Ping,
    zone: 'inside' | 'band' | 'outside',
    params: PresenceParams,
    out: SiteEvent[],
  ): void {
    const usable = usableFix(ping.accuracyM, ping.mock, this.maxAccuracyM, f.sizeM);
    const change = t.presence.observe(
      ctx.workerId,
      ctx.deviceId,
      f.id,
      { at: ping.deviceTime, lat: ping.lat, lng: ping.lng, zone, usable },
      params,
    );
    if (!change) return;
    const fence = f.fence;
    out.push({
      kind: change.kind,
      tenantId: ctx.tenantId,
      workerId: ctx.workerId,
      deviceId: ctx.deviceId,
      fenceId: fence.id,
      ...(fence.jobId !== undefined && { jobId: fence.jobId }),
      ...(fence.customerId !== undefined && { customerId: fence.customerId }),
      ...(fence.siteId !== undefined && { siteId: fence.siteId }),
      at: change.at,
      lat: change.lat,
      lng: change.lng,
    });
  }

  private trackWaiting(ctx: DeviceContext): void {
    const key = waitingKey(ctx.tenantId, ctx.deviceId);
    if (ctx.stream.waiting > 0) this.waiting.set(key, ctx);
    else this.waiting.delete(key);
  }
}

function waitingKey(tenantId: string, deviceId: string): string {
  return `${tenantId}\u0000${deviceId}`;
}

function intIn(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgument(field, `${field} must be a whole number ${min}..${max}`);
  }
  return value;
}
