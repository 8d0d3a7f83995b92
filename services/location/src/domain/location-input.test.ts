import type { InvalidArgument } from '@fieldline/platform';
import { describe, expect, it } from '@jest/globals';
import { nearestInput, skillsValue, trackWindow } from './location-input.js';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as InvalidArgument).field;
  }
  return 'no error';
};

describe('nearestInput', () => {
  it('takes a point, defaults the limit and tidies the skill', () => {
    expect(nearestInput({ lat: 1, lng: 2, radiusM: 1000, limit: 0, skill: ' Welding ' })).toEqual({
      target: { kind: 'point', lat: 1, lng: 2 },
      radiusM: 1000,
      limit: 10,
      skill: 'welding',
      availableOnly: false,
    });
  });

  it('takes a customer site instead of a point', () => {
    expect(nearestInput({ customerId: 'cus_1', siteId: 'site_1', radiusM: 5, limit: 3 }).target).toEqual({
      kind: 'site',
      customerId: 'cus_1',
      siteId: 'site_1',
    });
  });

  it('names the field at fault', () => {
    expect(fieldOf(() => nearestInput({ lat: 1, lng: 2, radiusM: Number.NaN, limit: 1 }))).toBe('radiusM');
    expect(fieldOf(() => nearestInput({ lat: 1, lng: 2, radiusM: 1, limit: 1.5 }))).toBe('limit');
    expect(fieldOf(() => nearestInput({ lat: 1, lng: 200, radiusM: 1, limit: 1 }))).toBe('lng');
    expect(fieldOf(() => nearestInput({ siteId: 's', radiusM: 1, limit: 1 }))).toBe('customerId');
  });
});

describe('skillsValue', () => {
  it('trims, lower-cases, folds duplicates and sorts', () => {
    expect(skillsValue(['b', ' A', 'a '])).toEqual(['a', 'b']);
  });
});

describe('trackWindow', () => {
  it('accepts exactly seven days and refuses more', () => {
    const from = new Date(0);
    expect(trackWindow(from, new Date(7 * 24 * 3600_000)).to.getTime()).toBe(7 * 24 * 3600_000);
    expect(fieldOf(() => trackWindow(from, new Date(7 * 24 * 3600_000 + 1)))).toBe('to');
  });
});
