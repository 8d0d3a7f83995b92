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
  const fix = (sec: number, zone: FenceZone) => ({ at: s(sec), lat: sec, lng: 0, zone, usable: true });

  it('keeps only phones not outside, and round-trips a phone as JSON', () => {
    const tracker = new PresenceTracker();
    expect(tracker.observe('w1', 'd1', 'f1', fix(0, 'inside'), params)).toBeUndefined();
    expect(tracker.observe('w1', 'd1', 'f1', fix(120, 'inside'), params)).toEqual({
      kind: 'arrived',
      at: s(0),
      lat: 0,
      lng: 0,
      fenceId: 'f1',
      workerId: 'w1',
      deviceId: 'd1',
    });
    tracker.observe('w1', 'd1', 'f2', fix(0, 'outside'), params);
    expect([...(tracker.activeFences('d1')?.keys() ?? [])]).toEqual(['f1']);

    const saved = JSON.parse(JSON.stringify(tracker.toJSON('d1')));
    const restored = new PresenceTracker();
    restored.restore('w1', 'd1', saved);
    expect(restored.get('d1', 'f1')).toEqual({ phase: 'inside', arrivedAt: s(0) });
    expect(restored.isWorkerAt('w1', 'f1')).toBe(true);

    tracker.forget('d1', 'f1');
    expect(tracker.activeFences('d1')).toBeUndefined();
    expect(tracker.get('d1', 'f1')).toBe(OUTSIDE);
    expect(tracker.isWorkerAt('w1', 'f1')).toBe(false);
  });

  it('lets the first phone of a worker to arrive declare the arrival, and the last to leave the departure', () => {
    const tracker = new PresenceTracker();
    const seen = (workerId: string, deviceId: string, sec: number, zone: FenceZone) => {
      const e = tracker.observe(workerId, deviceId, 'f1', fix(sec, zone), params);
      return e && `${e.kind} ${e.deviceId} ${(e.at - T0) / 1000}`;
    };

    const events = [
      seen('w1', 'pocket', 0, 'inside'),
      seen('w1', 'van', 30, 'inside'), // the van parks inside the fence too
      seen('w1', 'pocket', 120, 'inside'), // → the worker arrives
      seen('w1', 'van', 150, 'inside'), // the van's own arrival: the worker is already there
      seen('w1', 'van', 200, 'outside'),
      seen('w1', 'van', 260, 'outside'), // the van's own departure: the pocket phone is still there
      seen('w1', 'pocket', 300, 'inside'),
      seen('w1', 'pocket', 400, 'outside'),
      seen('w1', 'pocket', 460, 'outside'), // → the last phone has left: the worker departs
    ].filter(Boolean);

    expect(events).toEqual(['arrived pocket 0', 'departed pocket 400']);
  });

  it('keeps a visit open while one phone is leaving and another comes back in', () => {
    const tracker = new PresenceTracker();
    const observe = (deviceId: string, sec: number, zone: FenceZone) =>
      tracker.observe('w1', deviceId, 'f1', fix(sec, zone), params)?.kind;

    expect(observe('a', 0, 'inside')).toBeUndefined();
    expect(observe('a', 120, 'inside')).toBe('arrived');
    expect(observe('a', 200, 'outside')).toBeUndefined(); // a is leaving, still "at" the fence
    expect(observe('b', 210, 'inside')).toBeUndefined();
    expect(observe('b', 330, 'inside')).toBeUndefined(); // b arrives while a has not departed: one visit
    expect(observe('a', 260, 'outside')).toBeUndefined(); // a departs, b is there
    expect(tracker.isWorkerAt('w1', 'f1')).toBe(true);
  });

  it('keeps workers apart, and forgets a phone handed to another worker without an event', () => {
    const tracker = new PresenceTracker();
    tracker.observe('w1', 'd1', 'f1', fix(0, 'inside'), params);
    tracker.observe('w1', 'd1', 'f1', fix(120, 'inside'), params);
    expect(tracker.isWorkerAt('w2', 'f1')).toBe(false);

    // The phone now reports for w2: entering afresh, w1 is no longer at the fence through it.
    expect(tracker.observe('w2', 'd1', 'f1', fix(130, 'inside'), params)).toBeUndefined();
    expect(tracker.isWorkerAt('w1', 'f1')).toBe(false);
    expect(tracker.get('d1', 'f1')).toMatchObject({ phase: 'entering', since: s(130) });

    tracker.forgetWorker('w2');
    expect(tracker.activeFences('d1')).toBeUndefined();
  });
});
