// Unit tests of customers: codes, sites and contacts on create, and replacement keeping the ids passed back.
import { describe, expect, it } from '@jest/globals';
import { type Customer, customerCode, type IdSource, newCustomer, updateCustomer } from './customer.js';

let n = 0;
const ids: IdSource = { site: () => `site_${++n}`, contact: () => `con_${++n}` };
const now = new Date('2030-01-01T00:00:00Z');
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return undefined;
};
const customer = (): Customer => ({
  ...newCustomer(
    {
      code: 'ac',
      name: 'Acme',
      sites: [
        { name: 'A', lat: 1, lng: 2 },
        { name: 'B', lat: 3, lng: 4 },
      ],
    },
    ids,
  ),
  id: 'cus_1',
  tenantId: 't_1',
  coworkerIds: [],
  version: 1,
  createdAt: now,
  updatedAt: now,
});

describe('customerCode', () => {
  it('upper-cases and accepts 2 to 16 of A-Z, 0-9 and -', () => {
    expect(customerCode(' ab-12 ')).toBe('AB-12');
    expect(fieldOf(() => customerCode('A'))).toBe('code');
    expect(fieldOf(() => customerCode('ABCDEFGHIJKLMNOPQ'))).toBe('code');
    expect(fieldOf(() => customerCode('ÄB'))).toBe('code');
  });
});

describe('newCustomer', () => {
  it('defaults the SLA to 24 hours and gives sites and contacts fresh ids', () => {
    const c = newCustomer(
      { code: 'AB', name: 'N', sites: [{ name: 'S', lat: 0, lng: 0 }], contacts: [{ name: 'C' }] },
      ids,
    );

    expect(c.slaHours).toBe(24);
    expect(c.sites[0].id).toMatch(/^site_/);
    expect(c.contacts[0]).toMatchObject({ id: expect.stringMatching(/^con_/), email: '', phone: '', title: '' });
  });

  it('refuses an id the customer does not have yet', () => {
    expect(
      fieldOf(() => newCustomer({ code: 'AB', name: 'N', sites: [{ id: 'site_x', name: 'S', lat: 0, lng: 0 }] }, ids)),
    ).toBe('sites[0].id');
  });
});

describe('updateCustomer', () => {
  it('replaces the sites, keeping the ids passed back once each', () => {
    const current = customer();
    const [a] = current.sites;

    const { next, changed } = updateCustomer(
      current,
      {
        sites: [
          { ...a, name: 'A2' },
          { name: 'C', lat: 5, lng: 6 },
        ],
      },
      ids,
      now,
    );

    expect(changed).toBe(true);
    expect(next.sites.map((s) => [s.id === a.id, s.name])).toEqual([
      [true, 'A2'],
      [false, 'C'],
    ]);
    expect(next.version).toBe(2);
    expect(fieldOf(() => updateCustomer(current, { sites: [a, a] }, ids, now))).toBe('sites[1].id');
  });

  it('keeps lists not given, and reports no change for identical values', () => {
    const current = customer();

    expect(updateCustomer(current, { name: 'Acme', slaHours: 24 }, ids, now)).toMatchObject({
      changed: false,
      next: { version: 1 },
    });
    expect(updateCustomer(current, { name: 'Other' }, ids, now).next.sites).toEqual(current.sites);
  });
});
