// Unit tests of the identity policy: every action × every role, and the invitation and customer relation rules.
import { describe, expect, it } from '@jest/globals';
import {
  ACTIONS,
  type Action,
  allowedRoles,
  can,
  canInvite,
  canSeeCustomer,
  type Inviter,
  inviteRefusal,
  ROLES,
  type Role,
} from './policy.js';

// Written out independently of the table in policy.ts: a change there must be made here too, on purpose.
//                                  admin dispatcher coworker client guest
const expected: Record<Action, string> = {
  'users:list': '                   x     x          .        .      .',
  'users:read': '                   x     x          .        .      .',
  'users:create': '                 x     .          .        .      .',
  'users:update': '                 x     .          .        .      .',
  'users:deactivate': '             x     .          .        .      .',
  'users:activate': '               x     .          .        .      .',
  'invitations:create': '           x     x          x        x      .',
  'invitations:list': '             x     x          .        .      .',
  'invitations:resend': '           x     x          .        .      .',
  'settings:read': '                x     x          x        .      .',
  'settings:update': '              x     .          .        .      .',
  'customers:list': '               x     x          x        x      x',
  'customers:read': '               x     x          x        x      x',
  'customers:create': '             x     x          .        .      .',
  'customers:update': '             x     x          .        .      .',
  'customers:assign-coworkers': '   x     .          .        .      .',
  'devices:create': '               x     x          .        .      .',
  'devices:list': '                 x     x          .        .      .',
  'devices:revoke': '               x     x          .        .      .',
  'api-keys:create': '              x     .          .        .      .',
  'api-keys:list': '                x     .          .        .      .',
  'api-keys:revoke': '              x     .          .        .      .',
  'me:read': '                      x     x          x        x      x',
};
const roleOrder: Role[] = ['admin', 'dispatcher', 'coworker', 'client', 'guest'];
const grid = Object.entries(expected).flatMap(([action, row]) =>
  row
    .trim()
    .split(/\s+/)
    .map((mark, i) => [action as Action, roleOrder[i], mark === 'x'] as const),
);

describe('can', () => {
  it('knows exactly the actions of the expected grid', () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(expected).sort());
    expect(grid).toHaveLength(ACTIONS.length * ROLES.length);
  });

  it.each(grid)('%s by %s → %s', (action, role, allowed) => {
    expect(can(role, action)).toBe(allowed);
  });

  it('refuses unknown actions and roles from untyped callers, including prototype names', () => {
    expect(can('admin', 'users:delete' as Action)).toBe(false);
    expect(can('admin', 'constructor' as Action)).toBe(false);
    expect(can('root' as Role, 'me:read')).toBe(false);
  });
});

describe('allowedRoles', () => {
  it.each(Object.keys(expected) as Action[])('%s lists the roles of its row, in role order', (action) => {
    const roles = grid.filter(([a, , ok]) => a === action && ok).map(([, role]) => role);

    expect(allowedRoles(action)).toEqual(roles);
  });

  it('returns a copy the caller cannot use to change the table', () => {
    allowedRoles('users:create').push('guest');

    expect(can('guest', 'users:create')).toBe(false);
  });

  it('is empty for an unknown action', () => {
    expect(allowedRoles('nope' as Action)).toEqual([]);
  });
});

describe('canInvite', () => {
  const admin: Inviter = { role: 'admin', assignedCustomerIds: [] };
  const dispatcher: Inviter = { role: 'dispatcher', assignedCustomerIds: [] };
  const coworker: Inviter = { role: 'coworker', assignedCustomerIds: ['cus_a', 'cus_b'] };
  const client: Inviter = { role: 'client', customerId: 'cus_a', assignedCustomerIds: [] };
  const guest: Inviter = { role: 'guest', customerId: 'cus_a', assignedCustomerIds: [] };

  it.each<[string, Inviter, Role, string | undefined, boolean]>([
    ['admin invites an admin', admin, 'admin', undefined, true],
    ['admin invites a dispatcher', admin, 'dispatcher', undefined, true],
    ['admin invites a coworker', admin, 'coworker', undefined, true],
    ['admin invites a client of any customer', admin, 'client', 'cus_z', true],
    ['admin invites a guest of any customer', admin, 'guest', 'cus_z', true],
    ['dispatcher invites an admin', dispatcher, 'admin', undefined, false],
    ['dispatcher invites a dispatcher', dispatcher, 'dispatcher', undefined, false],
    ['dispatcher invites a coworker', dispatcher, 'coworker', undefined, true],
    ['dispatcher invites a client', dispatcher, 'client', 'cus_z', true],
    ['dispatcher invites a guest', dispatcher, 'guest', 'cus_z', true],
    ['client invites a guest of its own customer', client, 'guest', 'cus_a', true],
    ['client invites a guest of another customer', client, 'guest', 'cus_b', false],
    ['client invites a client of its own customer', client, 'client', 'cus_a', false],
    ['client invites a coworker', client, 'coworker', undefined, false],
    ['client invites an admin', client, 'admin', undefined, false],
    ['coworker invites a guest of an assigned customer', coworker, 'guest', 'cus_b', true],
    ['coworker invites a guest of an unassigned customer', coworker, 'guest', 'cus_c', false],
    ['coworker invites a client of an assigned customer', coworker, 'client', 'cus_a', false],
    ['coworker invites a coworker', coworker, 'coworker', undefined, false],
    ['guest invites a guest of its own customer', guest, 'guest', 'cus_a', false],
    ['guest invites anyone else', guest, 'coworker', undefined, false],
  ])('%s → %s', (_, inviter, role, customerId, allowed) => {
    expect(canInvite(inviter, { role, customerId })).toBe(allowed);
  });

  it.each<[Inviter, Role]>([
    [admin, 'client'],
    [admin, 'guest'],
    [dispatcher, 'client'],
    [dispatcher, 'guest'],
    [coworker, 'guest'],
  ])('refuses a %o inviting a %s without a customer, whoever invites', (inviter, role) => {
    expect(canInvite(inviter, { role })).toBe(false);
    expect(canInvite(inviter, { role, customerId: '' })).toBe(false);
    expect(inviteRefusal(inviter, { role })).toBe(`a ${role} must belong to a customer`);
  });

  it('refuses a client without a customer of its own inviting guests', () => {
    const orphan: Inviter = { role: 'client', assignedCustomerIds: [] };

    expect(canInvite(orphan, { role: 'guest', customerId: 'cus_a' })).toBe(false);
  });

  it('refuses to tie staff to a customer, even for an admin', () => {
    expect(inviteRefusal(admin, { role: 'coworker', customerId: 'cus_a' })).toBe(
      'a coworker does not belong to a customer',
    );
  });

  it('says why it refuses', () => {
    expect(inviteRefusal(dispatcher, { role: 'admin' })).toBe('a dispatcher cannot invite an admin');
    expect(inviteRefusal(client, { role: 'guest', customerId: 'cus_b' })).toBe(
      'a client can only invite guests of its own customer',
    );
    expect(inviteRefusal(coworker, { role: 'guest', customerId: 'cus_c' })).toBe(
      'a coworker can only invite guests of a customer assigned to it',
    );
    expect(inviteRefusal(guest, { role: 'guest', customerId: 'cus_a' })).toBe('a guest cannot invite anyone');
    expect(inviteRefusal(admin, { role: 'admin' })).toBeUndefined();
  });
});

describe('canSeeCustomer', () => {
  const customer = { id: 'cus_a', coworkerIds: ['usr_cw1'] };

  it.each<[string, Role, string | undefined, string, boolean]>([
    ['an admin sees every customer', 'admin', undefined, 'usr_ad', true],
    ['a dispatcher sees every customer', 'dispatcher', undefined, 'usr_di', true],
    ['a coworker sees a customer assigned to it', 'coworker', undefined, 'usr_cw1', true],
    ['a coworker does not see a customer not assigned to it', 'coworker', undefined, 'usr_cw2', false],
    ['a coworker does not see a customer through a customer id', 'coworker', 'cus_a', 'usr_cw2', false],
    ['a client sees its own customer', 'client', 'cus_a', 'usr_cl', true],
    ['a client does not see another customer', 'client', 'cus_b', 'usr_cl', false],
    ['a client without a customer sees none', 'client', undefined, 'usr_cl', false],
    ['a guest sees its own customer', 'guest', 'cus_a', 'usr_gu', true],
    ['a guest does not see another customer', 'guest', 'cus_b', 'usr_gu', false],
    ['a client listed as coworker id still only sees its own', 'client', 'cus_b', 'usr_cw1', false],
  ])('%s', (_, role, customerId, userId, visible) => {
    expect(canSeeCustomer({ role, customerId, userId }, customer)).toBe(visible);
  });

  it('shows nothing to an unknown role', () => {
    expect(canSeeCustomer({ role: 'root' as Role, userId: 'usr_x' }, customer)).toBe(false);
  });
});
