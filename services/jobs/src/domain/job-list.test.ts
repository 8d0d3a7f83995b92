import { describe, expect, it } from '@jest/globals';
import { encodeCursor, parseListQuery, prefixTsQuery } from './job-list.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return undefined;
}

describe('list queries', () => {
  it('defaults to newest first, 50 a page', () => {
    expect(parseListQuery({})).toMatchObject({ sort: 'created_at', descending: true, limit: 50, statuses: [] });
  });

  it('reads the sort direction from a leading minus', () => {
    expect(parseListQuery({ sort: 'due_at' })).toMatchObject({ sort: 'due_at', descending: false });
    expect(parseListQuery({ sort: '-priority' })).toMatchObject({ sort: 'priority', descending: true });
  });

  it('takes back a cursor it made for the same sort only', () => {
    const cursor = encodeCursor('due_at', '2025-03-01 10:00:00+00', 'job_1');

    expect(parseListQuery({ sort: 'due_at', cursor }).after).toEqual({ value: '2025-03-01 10:00:00+00', id: 'job_1' });
    expect(fieldOf(() => parseListQuery({ sort: '-due_at', cursor }))).toBe('cursor');
  });

  it.each([
    ['an unknown status', { statuses: ['open'] }, 'statuses[0]'],
    ['an unknown sort', { sort: 'title' }, 'sort'],
    ['a limit of 201', { limit: 201 }, 'limit'],
    ['delayed=maybe', { delayed: 'maybe' }, 'delayed'],
    ['an unknown priority', { priority: 'urgent' }, 'priority'],
    ['a forged cursor', { cursor: 'bm9wZQ' }, 'cursor'],
    [
      'a cursor with SQL in its value',
      { sort: 'number', cursor: encodeCursor('number', '1; drop table jobs', 'job_1') },
      'cursor',
    ],
    ['dueAfter after dueBefore', { dueAfter: new Date('2025-03-02'), dueBefore: new Date('2025-03-01') }, 'dueAfter'],
  ])('refuses %s', (_what, input, field) => {
    expect(fieldOf(() => parseListQuery(input))).toBe(field);
  });

  it('turns search text into a prefix query of its words only', () => {
    expect(prefixTsQuery("Boiler's fix & (leak)")).toBe('boiler:* & s:* & fix:* & leak:*');
    expect(prefixTsQuery('!!!')).toBe('');
  });
});
