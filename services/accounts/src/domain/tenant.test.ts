// Unit tests of tenant slugs: derived from the company name, unique by suffix.
import { describe, expect, it } from '@jest/globals';
import { freeSlug, slugBase } from './tenant.js';

describe('slugBase', () => {
  it('lower-cases, strips accents and joins words with dashes', () => {
    expect(slugBase('Müller & Söhne GmbH')).toBe('muller-sohne-gmbh');
    expect(slugBase('  ACME  Plumbing, Inc. ')).toBe('acme-plumbing-inc');
  });

  it('falls back to "company" when nothing usable is left, and avoids reserved words', () => {
    expect(slugBase('株式会社')).toBe('company');
    expect(slugBase('API')).toBe('api-co');
  });

  it('stays short without ending on a dash', () => {
    const slug = slugBase(`${'a'.repeat(39)} b`);

    expect(slug.length).toBeLessThanOrEqual(40);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('freeSlug', () => {
  it('keeps the base when free, else suffixes after the highest taken number', () => {
    expect(freeSlug('acme', [])).toBe('acme');
    expect(freeSlug('acme', ['acme'])).toBe('acme-2');
    expect(freeSlug('acme', ['acme', 'acme-2', 'acme-7', 'acme-west'])).toBe('acme-8');
  });
});
