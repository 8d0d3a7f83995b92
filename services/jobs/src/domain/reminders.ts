// Reminder rules: a future time on a job with a short message; the scheduler sends each one once.
import { InvalidArgument } from '@fieldline/platform';

export const MAX_REMINDER_MESSAGE = 500;
/** Far enough for any real plan; farther is almost always a typo in the year. */
const MAX_AHEAD_MS = 5 * 366 * 24 * 3_600_000;

export type ReminderState = 'pending' | 'sent' | 'cancelled';

export interface ReminderInput {
  remindAt: Date | undefined;
  message: string;
}

export function newReminder(input: ReminderInput, now: Date): { remindAt: Date; message: string } {
  const remindAt = input.remindAt;
  if (!remindAt) throw new InvalidArgument('remindAt', 'remindAt is required');
  if (Number.isNaN(remindAt.getTime())) throw new InvalidArgument('remindAt', 'remindAt is not a valid time');
  if (remindAt.getTime() <= now.getTime()) throw new InvalidArgument('remindAt', 'remindAt must be in the future');
  if (remindAt.getTime() - now.getTime() > MAX_AHEAD_MS) {
    throw new InvalidArgument('remindAt', 'remindAt can be at most 5 years ahead');
  }
  const message = input.message.trim();
  if ([...message].length > MAX_REMINDER_MESSAGE) {
    throw new InvalidArgument('message', `message can have at most ${MAX_REMINDER_MESSAGE} characters`);
  }
  if (message.includes('\u0000')) throw new InvalidArgument('message', 'message cannot contain NUL characters');
  return { remindAt, message };
}

/** What a due reminder becomes: sent, unless its job was cancelled meanwhile (nobody needs reminding then). */
export function dueReminderOutcome(jobStatus: string | undefined): Exclude<ReminderState, 'pending'> {
  return jobStatus === undefined || jobStatus === 'cancelled' ? 'cancelled' : 'sent';
}

export interface Reminder {
  id: string;
  tenantId: string;
  jobId: string;
  remindAt: Date;
  message: string;
  createdBy: string;
  state: ReminderState;
  createdAt: Date;
  sentAt?: Date;
}
