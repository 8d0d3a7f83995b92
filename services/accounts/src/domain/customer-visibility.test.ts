// Unit tests of customer visibility: the list scope agrees with the per-customer rule for every role.
import { describe, expect, it } from '@jest/globals';
import type { Actor } from './actor.js';
import type { Customer } from './customer.js';
import { customerScope, ensureCanSee } from './customer-visibility.js';

const actor = (over: Partial<Actor>): Actor => ({
  kind: 'user',
  tenantId: 't_1',
  userId: 'usr_1',
  userName: 'Ann',
  role: 'admin',
  ...over,
});
const customer = (over: Partial<Customer> = {}): Customer => ({
  id: 'cus_1',
  tenantId: 't_1',
  code: 'AC',
  name: 'Acme',
  slaHours: 24,
  email: '',
  phone: '',
  active: true,
  sites: [],
  contacts: [],
  coworkerIds: [],
  version: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

describe('customer visibility', () => {
  it('lets staff see every customer', () => {
    expect(customerScope(actor({ role: 'dispatcher' }))).toEqual({ kind: 'all' });
    expect(ensureCanSee(actor({ role: 'dispatcher' }), customer()).id).toBe('cus_1');
  });

  it('shows a coworker only the customers assigned to them, as not found otherwise', () => {
    const worker = actor({ role: 'coworker', userId: 'usr_w' });

    expect(customerScope(worker)).toEqual({ kind: 'assigned', userId: 'usr_w' });
    expect(ensureCanSee(worker, customer({ coworkerIds: ['usr_w'] })).id).toBe('cus_1');
    expect(() => ensureCanSee(worker, customer())).toThrow(expect.objectContaining({ code: 'CUSTOMER_NOT_FOUND' }));
  });

  it('shows clients and guests their own customer only', () => {
    const guest = actor({ role: 'guest', customerId: 'cus_2' });

    expect(customerScope(guest)).toEqual({ kind: 'own', customerId: 'cus_2' });
    expect(() => ensureCanSee(guest, customer())).toThrow(expect.objectContaining({ kind: 'not_found' }));
    expect(ensureCanSee(guest, customer({ id: 'cus_2' })).id).toBe('cus_2');
  });
});
