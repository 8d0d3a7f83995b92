// Unit tests of user rules: what a new user needs, who may change which fields, versions, the last admin.
import { describe, expect, it } from '@jest/globals';
import type { Actor } from './actor.js';
import { ensureAdminRemains, newUser, setActive, type User, updateUser, userListFilter } from './user.js';

const now = new Date('2030-01-01T00:00:00Z');
const user = (over: Partial<User> = {}): User => ({
  id: 'usr_1',
  tenantId: 't_1',
  name: 'Dee',
  role: 'dispatcher',
  active: true,
  phone: '',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  version: 3,
  ...over,
});
const actor = (over: Partial<Actor> = {}): Actor => ({
  kind: 'user',
  tenantId: 't_1',
  userId: 'usr_admin',
  userName: 'Ada',
  role: 'admin',
  ...over,
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string; field?: string }).field ?? (err as { code?: string }).code;
  }
  return undefined;
};

describe('newUser', () => {
  it('trims the name, lower-cases the e-mail and leaves optional fields out', () => {
    expect(newUser({ name: '  Walt ', role: 'coworker', email: ' Walt@Example.COM ' })).toEqual({
      name: 'Walt',
      role: 'coworker',
      email: 'walt@example.com',
      customerId: undefined,
      phone: '',
      password: undefined,
    });
  });

  it('names the field at fault', () => {
    expect(codeOf(() => newUser({ name: 'X', role: 'client' }))).toBe('customerId');
    expect(codeOf(() => newUser({ name: 'X', role: 'admin', customerId: 'cus_1' }))).toBe('customerId');
    expect(codeOf(() => newUser({ name: 'X', role: 'owner' }))).toBe('role');
    expect(codeOf(() => newUser({ name: 'X', role: 'admin', password: 'short' }))).toBe('password');
  });
});

describe('updateUser', () => {
  it('lets a user change their own name, phone and password only', () => {
    const self = actor({ userId: 'usr_1', role: 'dispatcher' });

    const { next, password, changed } = updateUser(self, user(), { name: 'Dee Dee', password: 'new password' }, now);

    expect(changed).toBe(true);
    expect(password).toBe('new password');
    expect(next).toMatchObject({ name: 'Dee Dee', version: 4, updatedAt: now });
    expect(codeOf(() => updateUser(self, user(), { email: 'x@example.com' }, now))).toBe('FORBIDDEN');
    expect(codeOf(() => updateUser(self, user({ id: 'usr_2' }), { name: 'X' }, now))).toBe('FORBIDDEN');
  });

  it('refuses a stale version and keeps the version when nothing changes', () => {
    expect(codeOf(() => updateUser(actor(), user(), { name: 'X', version: 2 }, now))).toBe('version');
    expect(updateUser(actor(), user(), { name: 'Dee', version: 3 }, now)).toMatchObject({
      changed: false,
      next: { version: 3 },
    });
  });

  it('says when an active admin loses the role, so the caller checks another one remains', () => {
    const admin = user({ role: 'admin' });

    expect(updateUser(actor(), admin, { role: 'dispatcher' }, now).losesAdmin).toBe(true);
    expect(updateUser(actor(), user({ role: 'admin', active: false }), { role: 'dispatcher' }, now).losesAdmin).toBe(
      false,
    );
    expect(codeOf(() => ensureAdminRemains(0))).toBe('LAST_ADMIN');
    expect(() => ensureAdminRemains(1)).not.toThrow();
  });

  it('keeps the customer between customer roles and drops it for staff', () => {
    const client = user({ role: 'client', customerId: 'cus_1' });

    expect(updateUser(actor(), client, { role: 'guest' }, now).next.customerId).toBe('cus_1');
    expect(updateUser(actor(), client, { role: 'coworker' }, now).next.customerId).toBeUndefined();
    expect(codeOf(() => updateUser(actor(), user(), { role: 'client' }, now))).toBe('customerId');
  });

  it('removes the e-mail when given an empty one', () => {
    expect(updateUser(actor(), user({ email: 'a@example.com' }), { email: '' }, now).next.email).toBeUndefined();
  });
});

describe('setActive and userListFilter', () => {
  it('switches once and reports no change the second time', () => {
    const off = setActive(user(), false, now);

    expect(off).toMatchObject({ changed: true, next: { active: false, version: 4 } });
    expect(setActive(off.next, false, now).changed).toBe(false);
  });

  it('reads "any", true and false, and refuses anything else', () => {
    expect(userListFilter({ active: '' }).active).toBeUndefined();
    expect(userListFilter({ active: 'false' }).active).toBe(false);
    expect(codeOf(() => userListFilter({ active: 'yes' }))).toBe('active');
  });
});
