// Dwell and hysteresis per (phone, fence), reported per worker: when a worker arrives at or departs from a fence.
import type { FenceZone } from './fence.js';

/**
 * outside → entering (first inside fix) → inside (arrival declared) → leaving (first fix beyond the band)
 * → outside (departure declared). Times are the phone's (epoch ms), so a late batch replays the same way.
 */
export type PresenceState =
  | { phase: 'outside' }
  | { phase: 'entering'; since: number; lat: number; lng: number }
  | { phase: 'inside'; arrivedAt: number }
  | { phase: 'leaving'; since: number; lat: number; lng: number; arrivedAt: number };

export const OUTSIDE: PresenceState = Object.freeze({ phase: 'outside' });

export interface PresenceParams {
  /** Inside this long (ms) before an arrival is declared: the tenant's minimum on-site time. */
  minOnSiteMs: number;
  /** Beyond the band this long (ms) before a departure is declared. */
  exitDelayMs: number;
}

/** One fix as presence sees it: where it lies against the fence, and whether it may change anything. */
export interface PresenceFix {
  at: number;
  lat: number;
  lng: number;
  zone: FenceZone;
  /** False for fixes too inaccurate (or mocked) to move the state: they change nothing. */
  usable: boolean;
}

export interface PresenceChange {
  kind: 'arrived' | 'departed';
  /** Device time of the first fix of the run that led here (first inside / first beyond the band). */
  at: number;
  lat: number;
  lng: number;
}

/**
 * Whether a fix may move presence: not a mock location, and accurate to `maxAccuracyM` and to the fence's
 * own size (a 300 m blur says nothing about a 50 m fence). Accuracy 0 means the phone did not say.
 */
export function usableFix(
  accuracyM: number | undefined,
  mock: boolean | undefined,
  maxAccuracyM: number,
  fenceSizeM: number,
): boolean {
  if (mock === true) return false;
  if (accuracyM === undefined || accuracyM === 0) return true;
  return accuracyM <= maxAccuracyM && accuracyM <= fenceSizeM;
}

/**
 * The next state after one fix, and the arrival or departure it declares, if any. A fix in the band
 * (beyond the edge but within the exit margin) keeps whatever the state is: that band is the hysteresis
 * that keeps jitter at the edge from flapping. So "inside continuously" means no usable fix beyond the
 * band; and an arrival or departure is declared on the first fix that confirms it, at the device time
 * the run started.
 */
export function stepPresence(
  state: PresenceState,
  fix: PresenceFix,
  params: PresenceParams,
): { state: PresenceState; change?: PresenceChange } {
  if (!fix.usable || fix.zone === 'band') return { state };
  const inside = fix.zone === 'inside';
  switch (state.phase) {
    case 'outside':
      return inside ? settle({ phase: 'entering', since: fix.at, lat: fix.lat, lng: fix.lng }, fix, params) : { state };
    case 'entering':
      return inside ? settle(state, fix, params) : { state: OUTSIDE };
    case 'inside':
      return inside
        ? { state }
        : settle(
            { phase: 'leaving', since: fix.at, lat: fix.lat, lng: fix.lng, arrivedAt: state.arrivedAt },
            fix,
            params,
          );
    case 'leaving':
      return inside ? { state: { phase: 'inside', arrivedAt: state.arrivedAt } } : settle(state, fix, params);
  }
}

/** Declares the arrival or departure once the run has lasted long enough (at once for a zero wait). */
function settle(
  state: Extract<PresenceState, { phase: 'entering' | 'leaving' }>,
  fix: PresenceFix,
  params: PresenceParams,
): { state: PresenceState; change?: PresenceChange } {
  if (state.phase === 'entering') {
    if (fix.at - state.since < params.minOnSiteMs) return { state };
    return {
      state: { phase: 'inside', arrivedAt: state.since },
      change: { kind: 'arrived', at: state.since, lat: state.lat, lng: state.lng },
    };
  }
  if (fix.at - state.since < params.exitDelayMs) return { state };
  return { state: OUTSIDE, change: { kind: 'departed', at: state.since, lat: state.lat, lng: state.lng } };
}

export interface PresenceEvent extends PresenceChange {
  fenceId: string;
  workerId: string;
  /** The phone whose fixes declared it (the first to arrive, the last to leave). */
  deviceId: string;
}

interface DevicePresence {
  workerId: string;
  /** The fences this phone is entering, inside or leaving. */
  fences: Map<string, PresenceState>;
}

/** Arrived and not yet departed: the phone counts as being at the fence. */
const isAt = (state: PresenceState) => state.phase === 'inside' || state.phase === 'leaving';

/**
 * Presence of many workers, followed per phone and reported per worker. A worker may carry two phones (one
 * in the pocket, one left in the van): each phone goes through `stepPresence` on its own fixes, in its own
 * order, and is stored with its own stream; the worker is at a fence while at least one of their phones is.
 * So the first phone to arrive makes the worker arrive, and the worker departs only when the last phone that
 * was there leaves; arrivals and departures of the other phones meanwhile are not reported. Only states that
 * are not outside are kept, so memory follows activity.
 */
export class PresenceTracker {
  private readonly devices = new Map<string, DevicePresence>();
  /** The phones of each worker that have some state (to answer "is another phone of theirs there?"). */
  private readonly workers = new Map<string, Set<string>>();

  /** The fences a phone is entering, inside or leaving. */
  activeFences(deviceId: string): ReadonlyMap<string, PresenceState> | undefined {
    return this.devices.get(deviceId)?.fences;
  }

  get(deviceId: string, fenceId: string): PresenceState {
    return this.devices.get(deviceId)?.fences.get(fenceId) ?? OUTSIDE;
  }

  /** Whether one of the worker's phones (other than `exceptDeviceId`) has arrived at the fence and not left. */
  isWorkerAt(workerId: string, fenceId: string, exceptDeviceId?: string): boolean {
    for (const deviceId of this.workers.get(workerId) ?? []) {
      if (deviceId !== exceptDeviceId && isAt(this.get(deviceId, fenceId))) return true;
    }
    return false;
  }

  /**
   * Feeds one fix of one phone for one fence; returns the worker's arrival or departure it declares: the
   * phone's own, unless another phone of the worker is at the fence (then the worker neither arrives again
   * nor leaves yet).
   */
  observe(
    workerId: string,
    deviceId: string,
    fenceId: string,
    fix: PresenceFix,
    params: PresenceParams,
  ): PresenceEvent | undefined {
    // A phone now reporting for someone else starts afresh: what it knew was about its former worker.
    if (this.devices.get(deviceId)?.workerId !== workerId) this.forgetDevice(deviceId);
    const before = this.get(deviceId, fenceId);
    const { state, change } = stepPresence(before, fix, params);
    if (state !== before) this.set(workerId, deviceId, fenceId, state);
    if (!change || this.isWorkerAt(workerId, fenceId, deviceId)) return undefined;
    return { ...change, fenceId, workerId, deviceId };
  }

  set(workerId: string, deviceId: string, fenceId: string, state: PresenceState): void {
    let mine = this.devices.get(deviceId);
    if (state.phase === 'outside') {
      if (mine?.fences.delete(fenceId) && mine.fences.size === 0) this.forgetDevice(deviceId);
      return;
    }
    if (mine !== undefined && mine.workerId !== workerId) {
      this.forgetDevice(deviceId);
      mine = undefined;
    }
    if (mine === undefined) {
      mine = { workerId, fences: new Map() };
      this.devices.set(deviceId, mine);
      let phones = this.workers.get(workerId);
      if (phones === undefined) {
        phones = new Set();
        this.workers.set(workerId, phones);
      }
      phones.add(deviceId);
    }
    mine.fences.set(fenceId, state);
  }

  /** Forgets a phone's state at a fence (the fence is gone or no longer watches the worker). */
  forget(deviceId: string, fenceId: string): void {
    const mine = this.devices.get(deviceId);
    if (mine) this.set(mine.workerId, deviceId, fenceId, OUTSIDE);
  }

  /** Forgets everything of one phone, without events (it reports for another worker now). */
  forgetDevice(deviceId: string): void {
    const mine = this.devices.get(deviceId);
    if (!mine) return;
    this.devices.delete(deviceId);
    const phones = this.workers.get(mine.workerId);
    if (phones?.delete(deviceId) && phones.size === 0) this.workers.delete(mine.workerId);
  }

  /** Forgets everything of a worker's phones, without events (deactivated, gone from the tenant). */
  forgetWorker(workerId: string): void {
    for (const deviceId of [...(this.workers.get(workerId) ?? [])]) this.forgetDevice(deviceId);
  }

  clear(): void {
    this.devices.clear();
    this.workers.clear();
  }

  /** A phone's states as plain JSON, to persist beside its stream. */
  toJSON(deviceId: string): Record<string, PresenceState> {
    return Object.fromEntries(this.devices.get(deviceId)?.fences ?? []);
  }

  /** Puts a phone's states back (replacing what it had); other phones of the worker are untouched. */
  restore(workerId: string, deviceId: string, json: Record<string, PresenceState>): void {
    this.forgetDevice(deviceId);
    for (const [fenceId, state] of Object.entries(json)) this.set(workerId, deviceId, fenceId, state);
  }
}
