// Dwell and hysteresis per (worker, fence): when a worker is declared arrived at or departed from a fence.
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
}

/** Presence states of many workers: only the ones not outside are kept, so memory follows activity. */
export class PresenceTracker {
  private readonly states = new Map<string, Map<string, PresenceState>>();

  /** The fences a worker is entering, inside or leaving. */
  activeFences(workerId: string): ReadonlyMap<string, PresenceState> | undefined {
    return this.states.get(workerId);
  }

  get(workerId: string, fenceId: string): PresenceState {
    return this.states.get(workerId)?.get(fenceId) ?? OUTSIDE;
  }

  /** Feeds one fix for one fence; returns the arrival or departure it declares. */
  observe(workerId: string, fenceId: string, fix: PresenceFix, params: PresenceParams): PresenceEvent | undefined {
    const before = this.get(workerId, fenceId);
    const { state, change } = stepPresence(before, fix, params);
    if (state !== before) this.set(workerId, fenceId, state);
    return change && { ...change, fenceId, workerId };
  }

  set(workerId: string, fenceId: string, state: PresenceState): void {
    let mine = this.states.get(workerId);
    if (state.phase === 'outside') {
      if (mine?.delete(fenceId) && mine.size === 0) this.states.delete(workerId);
      return;
    }
    if (mine === undefined) {
      mine = new Map();
      this.states.set(workerId, mine);
    }
    mine.set(fenceId, state);
  }

  /** Forgets a worker's state at a fence (the fence is gone or no longer watches the worker). */
  forget(workerId: string, fenceId: string): void {
    this.set(workerId, fenceId, OUTSIDE);
  }

  clear(): void {
    this.states.clear();
  }

  /** A worker's states as plain JSON, to persist beside the device stream. */
  toJSON(workerId: string): Record<string, PresenceState> {
    return Object.fromEntries(this.states.get(workerId) ?? []);
  }

  restore(workerId: string, json: Record<string, PresenceState>): void {
    this.states.delete(workerId);
    for (const [fenceId, state] of Object.entries(json)) this.set(workerId, fenceId, state);
  }
}
