// Unit tests of the location route policy: coarse role gates, reachable through the route policy's mayPerform.
import { ROLES, type Role } from '@fieldline/auth';
import { describe, expect, it } from '@jest/globals';
import { mayPerform } from './jobs-policy.js';
import { LOCATION_ACTIONS, type LocationAction, locationActionRoles, mayPerformLocation } from './location-policy.js';

const allowed = (action: LocationAction) => ROLES.filter((r) => mayPerform(r, action));

describe('the location policy', () => {
  it.each<[LocationAction, Role[]]>([
    ['location:ingest', ['admin', 'dispatcher', 'coworker']],
    ['workers:nearest', ['admin', 'dispatcher']],
    ['workers:positions', ['admin', 'dispatcher', 'coworker']],
    ['workers:track', ['admin', 'dispatcher', 'coworker']],
    ['workers:read-shift', ['admin', 'dispatcher', 'coworker']],
    ['workers:update-shift', ['admin', 'dispatcher', 'coworker']],
    ['live:subscribe', ['admin', 'dispatcher', 'coworker', 'client', 'guest']],
  ])('%s: %j', (action, roles) => {
    expect(allowed(action)).toEqual(roles);
  });

  it('refuses unknown actions and roles, and gives out copies of its table', () => {
    expect(mayPerformLocation('admin', 'workers:delete' as LocationAction)).toBe(false);
    expect(mayPerformLocation('root' as Role, 'workers:nearest')).toBe(false);
    locationActionRoles('live:subscribe').pop();
    expect(LOCATION_ACTIONS.every((a) => locationActionRoles(a).length > 0)).toBe(true);
    expect(locationActionRoles('live:subscribe')).toHaveLength(5);
  });
});
