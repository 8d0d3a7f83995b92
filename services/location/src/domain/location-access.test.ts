import type { Caller } from '@fieldline/platform';
import { describe, expect, it } from '@jest/globals';
import { assertMayFindNearest, assertMayReadTrack, assertMaySetShift, positionsScope } from './location-access.js';

const as = (role: Caller['role'], userId = 'u1'): Caller => ({ kind: 'user', tenantId: 't', userId, role });
const refused = (fn: () => unknown) => {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
};

describe('location access', () => {
  it('lets only admins and dispatchers search for the nearest workers', () => {
    expect(
      (['admin', 'dispatcher', 'coworker', 'client', 'guest'] as const).map((r) =>
        refused(() => assertMayFindNearest(as(r))),
      ),
    ).toEqual([false, false, true, true, true]);
  });

  it('scopes positions to everyone for dispatch and to oneself for a co-worker', () => {
    expect(positionsScope(as('dispatcher'))).toBe('all');
    expect(positionsScope(as('coworker'))).toBe('self');
    expect(refused(() => positionsScope(as('guest')))).toBe(true);
  });

  it('lets a co-worker read only their own track and set only their own on-shift', () => {
    expect(refused(() => assertMayReadTrack(as('coworker', 'u1'), 'u1'))).toBe(false);
    expect(refused(() => assertMayReadTrack(as('coworker', 'u1'), 'u2'))).toBe(true);
    expect(refused(() => assertMaySetShift(as('coworker', 'u1'), 'u1', false))).toBe(false);
    expect(refused(() => assertMaySetShift(as('coworker', 'u1'), 'u1', true))).toBe(true);
    expect(refused(() => assertMaySetShift(as('admin'), 'u2', true))).toBe(false);
  });
});
