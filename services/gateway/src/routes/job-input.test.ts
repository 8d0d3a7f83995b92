// Unit tests of job bodies → the jobs service's JobInput: only what was sent, nulls as cleared fields.
import { describe, expect, it } from '@jest/globals';
import { ValidationFailed } from '../http/http-error.js';
import { toJobInput } from './job-input.js';

describe('toJobInput', () => {
  it('leaves absent fields absent (a PATCH changes only what it sends)', () => {
    const input = toJobInput({ title: 'Fix boiler' });

    expect(input.title).toBe('Fix boiler');
    expect(input.description).toBeUndefined();
    expect(input.assigneeIds).toBeUndefined();
    expect(input.site).toBeUndefined();
    expect(input.clearedFields).toEqual([]);
  });

  it('sends an empty list as an empty list, not as "not given"', () => {
    expect(toJobInput({ tags: [] }).tags).toEqual({ values: [] });
  });

  it('turns explicit nulls into cleared fields and sends nothing for them', () => {
    const input = toJobInput({ dueAt: null, site: null, contact: null, regardingUserId: null, version: 1 } as never);

    expect(input.clearedFields.sort()).toEqual(['contact', 'dueAt', 'regardingUserId', 'site']);
    expect(input.dueAt).toBeUndefined();
    expect(input.site).toBeUndefined();
  });

  it('converts times, money and the site, marking coordinates as given', () => {
    const input = toJobInput({
      startAt: '2030-01-01T10:00:00+02:00',
      price: { amount: 1999 },
      site: { address: 'Dock 4', lat: 0, lng: 0 },
    });

    expect(input.startAt).toEqual(new Date('2030-01-01T08:00:00Z'));
    expect(input.price).toEqual({ amount: 1999, currency: '' });
    expect(input.site).toEqual({ siteId: '', address: 'Dock 4', lat: 0, lng: 0, radiusM: 0, hasCoordinates: true });
  });

  it('refuses one coordinate without the other, naming the missing one', () => {
    const refusal = (() => {
      try {
        toJobInput({ site: { lng: 2 } });
      } catch (err) {
        return err;
      }
    })();

    expect(refusal).toBeInstanceOf(ValidationFailed);
    expect(refusal).toMatchObject({ field: 'site.lat', message: 'site.lat is required with site.lng' });
  });
});
