// Presence: dwell before arrival, exit margin and delay before departure, the band and bad fixes change nothing.
import { describe, expect, it } from '@jest/globals';
import type { FenceZone } from './fence.js';
import { OUTSIDE, type PresenceState, PresenceTracker, stepPresence, usableFix } from './presence.js';

const params = { minOnSiteMs: 120_000, exitDelayMs: 60_000 };
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;

/** Runs fixes [seconds, zone, usable?] from a state; returns the final state and the changes. */
function run(fixes: Array<[number, FenceZone, boolean?]>, from: PresenceState = OUTSIDE) {
  let state = from;
  const changes: Array<{ kind: string; at: number; lat: number }> = [];
  for (const [sec, zone, usable = true] of fixes) {
    const step = stepPresence(state, { at: s(sec), lat: sec, lng: 0, zone, usable }, params);
    state = step.state;
    if (step.change) changes.push({ kind: step.change.kind, at: step.change.at, lat: step.change.lat });
  }
  return { state, changes };
}

describe('stepPresence', () => {
  it('declares an arrival once inside for the minimum time, at the first inside fix', () => {
    const { state, changes } = run([
      [0, 'outside'],
      [10, 'inside'],
      [60, 'inside'],
      [129, 'inside'],
      [130, 'inside'],
      [200, 'inside'],
    ]);
    expect(changes).toEqual([{ kind: 'arrived', at: s(10), lat: 10 }]);
    expect(state).toEqual({ phase: 'inside', arrivedAt: s(10) });
  });

  it('declares no arrival when the worker leaves beyond the band before the minimum time', () => {
    const { state, changes } = run([
      [0, 'inside'],
      [100, 'inside'],
      [110, 'outside'],
      [200, 'inside'],
      [300, 'inside'],
    ]);
    expect(changes).toEqual([]);
    expect(state).toMatchObject({ phase: 'entering', since: s(200) });
  });

  it('keeps the current state for fixes in the band (hysteresis), entering and inside alike', () => {
    const entering = run([
      [0, 'inside'],
      [50, 'band'],
      [100, 'band'],
      [119, 'inside'],
      [125, 'band'],
      [130, 'inside'],
    ]);
    expect(entering.changes).toEqual([{ kind: 'arrived', at: s(0), lat: 0 }]);
    const inside = run(
      [
        [0, 'band'],
        [1000, 'band'],
        [2000, 'inside'],
      ],
      { phase: 'inside', arrivedAt: s(-500) },
    );
    expect(inside).toEqual({ state: { phase: 'inside', arrivedAt: s(-500) }, changes: [] });
  });

  it('declares a departure after being beyond the band for the exit delay, at the first such fix', () => {
    const { state, changes } = run(
      [
        [0, 'outside'],
        [30, 'band'],
        [59, 'outside'],
        [60, 'outside'],
      ],
      { phase: 'inside', arrivedAt: s(-500) },
    );
    expect(changes).toEqual([{ kind: 'departed', at: s(0), lat: 0 }]);
    expect(state).toBe(OUTSIDE);
  });

  it('cancels a departure when the worker comes back inside within the delay', () => {
    const { state, changes } = run(
      [
        [0, 'outside'],
        [40, 'inside'],
        [90, 'outside'],
        [140, 'outside'],
      ],
      { phase: 'inside', arrivedAt: s(-500) },
    );
    expect(changes).toEqual([]);
    expect(state).toEqual({ phase: 'leaving', since: s(90), lat: 90, lng: 0, arrivedAt: s(-500) });
  });

  it('ignores unusable fixes entirely', () => {
    const { changes } = run([
      [0, 'inside'],
      [60, 'outside', false],
      [130, 'inside'],
      [200, 'outside', false],
      [400, 'outside', false],
    ]);
    expect(changes).toEqual([{ kind: 'arrived', at: s(0), lat: 0 }]);
  });

  it('arrives and departs at once when the waits are zero', () => {
    let state: PresenceState = OUTSIDE;
    const zero = { minOnSiteMs: 0, exitDelayMs: 0 };
    const a = stepPresence(state, { at: s(0), lat: 1, lng: 2, zone: 'inside', usable: true }, zero);
    expect(a.change).toEqual({ kind: 'arrived', at: s(0), lat: 1, lng: 2 });
    state = a.state;
    const d = stepPresence(state, { at: s(5), lat: 3, lng: 4, zone: 'outside', usable: true }, zero);
    expect(d.change).toEqual({ kind: 'departed', at: s(5), lat: 3, lng: 4 });
  });
});

describe('usableFix', () => {
  it('refuses mock locations and fixes blurrier than the limit or the fence; 0 means unknown', () => {
    expect(usableFix(20, false, 100, 150)).toBe(true);
    expect(usableFix(0, undefined, 100, 150)).toBe(true);
    expect(usableFix(undefined, undefined, 100, 150)).toBe(true);
    expect(usableFix(120, false, 100, 150)).toBe(false);
    expect(usableFix(60, false, 100, 50)).toBe(false);
    expect(usableFix(5, true, 100, 150)).toBe(false);
  });
});

describe('PresenceTracker', () => {
  it('keeps only workers not outside, and round-trips them as JSON', () => {
    const tracker = new PresenceTracker();
    const fix = (sec: number, zone: FenceZone) => ({ at: s(sec), lat: 0, lng: 0, zone, usable: true });
    expect(tracker.observe('w1', 'f1', fix(0, 'inside'), params)).toBeUndefined();
    expect(tracker.observe('w1', 'f1', fix(120, 'inside'), params)).toEqual({
      kind: 'arrived',
      at: s(0),
      lat: 0,
      lng: 0,
      fenceId: 'f1',
      workerId: 'w1',
    });
    tracker.observe('w1', 'f2', fix(0, 'outside'), params);
    expect([...(tracker.activeFences('w1')?.keys() ?? [])]).toEqual(['f1']);

    const saved = JSON.parse(JSON.stringify(tracker.toJSON('w1')));
    const restored = new PresenceTracker();
    restored.restore('w1', saved);
    expect(restored.get('w1', 'f1')).toEqual({ phase: 'inside', arrivedAt: s(0) });

    tracker.forget('w1', 'f1');
    expect(tracker.activeFences('w1')).toBeUndefined();
    expect(tracker.get('w1', 'f1')).toBe(OUTSIDE);
  });
});
