// Unit tests of the jobs route policy: coarse role gates, identity actions still answered by libs/auth.
import { ROLES, type Role } from '@fieldline/auth';
import { describe, expect, it } from '@jest/globals';
import { JOB_ACTIONS, jobActionRoles, mayPerform } from './jobs-policy.js';

const allowed = (action: Parameters<typeof mayPerform>[1]) => ROLES.filter((r) => mayPerform(r, action));

describe('the jobs policy', () => {
  it.each<[Parameters<typeof mayPerform>[1], Role[]]>([
    ['job-types:create', ['admin']],
    ['jobs:create', ['admin', 'dispatcher', 'coworker', 'client']],
    ['jobs:assign', ['admin', 'dispatcher']],
    ['jobs:accept', ['admin', 'dispatcher', 'coworker']],
    ['jobs:counter-proposal', ['admin', 'dispatcher', 'coworker']],
    ['job-notes:list', ['admin', 'dispatcher', 'coworker', 'client', 'guest']],
    ['job-time-logs:create', ['admin', 'dispatcher', 'coworker']],
    ['job-reminders:list', ['admin', 'dispatcher', 'coworker']],
    ['integrations:voip', ['admin', 'dispatcher']],
    ['users:create', ['admin']],
  ])('%s: %j', (action, roles) => {
    expect(allowed(action)).toEqual(roles);
  });

  it('refuses unknown actions and roles', () => {
    expect(mayPerform('admin', 'jobs:delete' as never)).toBe(false);
    expect(mayPerform('root' as Role, 'jobs:list')).toBe(false);
  });

  it('gives out copies of its table', () => {
    jobActionRoles('jobs:list').pop();

    expect(JOB_ACTIONS.every((a) => jobActionRoles(a).length > 0)).toBe(true);
    expect(jobActionRoles('jobs:list')).toHaveLength(5);
  });
});
