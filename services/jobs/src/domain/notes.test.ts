// Note rules: body bounds, who may write internal notes, who reads them.
import { describe, expect, it } from '@jest/globals';
import { newNote, seesInternalNotes, visibleNotes } from './notes.js';

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return err as { kind: string; code: string; field?: string };
  }
  throw new Error('expected an error');
}

describe('notes', () => {
  it('trims the body and keeps 1 to 10000 characters', () => {
    expect(newNote('client', { body: '  Door code 4711  ', internal: false })).toEqual({
      body: 'Door code 4711',
      internal: false,
    });
    expect(newNote('admin', { body: '€'.repeat(10_000), internal: true }).body).toHaveLength(10_000);
    expect(errorOf(() => newNote('admin', { body: '   ', internal: false }))).toMatchObject({ field: 'body' });
    expect(errorOf(() => newNote('admin', { body: 'x'.repeat(10_001), internal: false }))).toMatchObject({
      kind: 'invalid_argument',
      field: 'body',
    });
  });

  it.each(['coworker', 'client', 'guest'] as const)('refuses an internal note from a %s', (role) => {
    expect(errorOf(() => newNote(role, { body: 'margin is thin', internal: true }))).toMatchObject({
      kind: 'permission_denied',
      code: 'INTERNAL_NOTE_FORBIDDEN',
    });
  });

  it('shows internal notes to admins and dispatchers only', () => {
    const notes = [
      { id: 'a', internal: false },
      { id: 'b', internal: true },
    ];

    expect(visibleNotes('admin', notes).map((n) => n.id)).toEqual(['a', 'b']);
    expect(visibleNotes('dispatcher', notes).map((n) => n.id)).toEqual(['a', 'b']);
    for (const role of ['coworker', 'client', 'guest'] as const) {
      expect(visibleNotes(role, notes).map((n) => n.id)).toEqual(['a']);
      expect(seesInternalNotes(role)).toBe(false);
    }
  });
});
