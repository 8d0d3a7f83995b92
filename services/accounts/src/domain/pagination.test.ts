// Unit tests of cursor pagination: limits, opaque cursors, and cutting a page from limit + 1 rows.
import { describe, expect, it } from '@jest/globals';
import { encodeCursor, page, pageOf } from './pagination.js';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id_${i}` }));

describe('page', () => {
  it('defaults to 50 and continues after the cursor’s id', () => {
    expect(page(undefined)).toEqual({ limit: 50, after: undefined });
    expect(page({ limit: 10, cursor: encodeCursor('usr_9') })).toEqual({ limit: 10, after: 'usr_9' });
  });

  it('refuses limits outside 0..200 and cursors it did not make', () => {
    expect(() => page({ limit: 201 })).toThrow(expect.objectContaining({ field: 'limit' }));
    expect(() => page({ limit: -1 })).toThrow(expect.objectContaining({ field: 'limit' }));
    expect(() => page({ cursor: 'usr_9' })).toThrow(expect.objectContaining({ field: 'cursor' }));
  });
});

describe('pageOf', () => {
  it('gives a next cursor only when there are more rows than the limit', () => {
    expect(pageOf(rows(2), { limit: 2 })).toEqual({ items: rows(2), nextCursor: '' });
    const cut = pageOf(rows(3), { limit: 2 });
    expect(cut.items).toEqual(rows(2));
    expect(page({ cursor: cut.nextCursor }).after).toBe('id_1');
  });
});
