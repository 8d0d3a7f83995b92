// Reminder rules: a future time, a short message; cancelled jobs remind nobody.
import { describe, expect, it } from '@jest/globals';
import { dueReminderOutcome, newReminder } from './reminders.js';

const now = new Date('2026-03-10T12:00:00Z');

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return err as { kind: string; field?: string };
  }
  throw new Error('expected an error');
}

describe('reminders', () => {
  it('takes a future time and a trimmed message', () => {
    const at = new Date('2026-03-11T09:00:00Z');
    expect(newReminder({ remindAt: at, message: ' call back ' }, now)).toEqual({ remindAt: at, message: 'call back' });
  });

  it.each([
    [undefined, '', 'remindAt'],
    [new Date(Number.NaN), '', 'remindAt'],
    [now, '', 'remindAt'],
    [new Date('2026-03-10T11:59:59Z'), '', 'remindAt'],
    [new Date('2036-03-10T12:00:00Z'), '', 'remindAt'],
    [new Date('2026-03-11T00:00:00Z'), 'x'.repeat(501), 'message'],
  ])('refuses remindAt %s with message of its length, naming %s', (remindAt, message, field) => {
    expect(errorOf(() => newReminder({ remindAt, message }, now))).toMatchObject({ kind: 'invalid_argument', field });
  });

  it('sends a due reminder unless its job is cancelled or gone', () => {
    expect(dueReminderOutcome('in_progress')).toBe('sent');
    expect(dueReminderOutcome('done')).toBe('sent');
    expect(dueReminderOutcome('cancelled')).toBe('cancelled');
    expect(dueReminderOutcome(undefined)).toBe('cancelled');
  });
});
