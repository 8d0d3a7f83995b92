// Note rules: public notes from anyone who can see the job; internal notes written and read by admins and
// dispatchers only (clients, guests and co-workers never see them).
import { InvalidArgument, PermissionDenied, type Role } from '@fieldline/platform';

export const MAX_NOTE_BODY = 10_000;

const INTERNAL_ROLES: readonly Role[] = ['admin', 'dispatcher'];

export interface NoteInput {
  body: string;
  internal: boolean;
}

/** Whether `role` may write and read internal notes. */
export function seesInternalNotes(role: Role): boolean {
  return INTERNAL_ROLES.includes(role);
}

/** The note to store: trimmed body of 1..10000 characters; internal only from admins and dispatchers. */
export function newNote(role: Role, input: NoteInput): NoteInput {
  const body = input.body.trim();
  if (body === '') throw new InvalidArgument('body', 'body is required');
  if ([...body].length > MAX_NOTE_BODY) {
    throw new InvalidArgument('body', `body can have at most ${MAX_NOTE_BODY} characters`);
  }
  // NUL cannot be stored in PostgreSQL text; other control characters (tabs, new lines) are fine in notes.
  if (body.includes('\u0000')) throw new InvalidArgument('body', 'body cannot contain NUL characters');
  if (input.internal && !seesInternalNotes(role)) {
    throw new PermissionDenied('only admins and dispatchers can write internal notes', 'INTERNAL_NOTE_FORBIDDEN');
  }
  return { body, internal: input.internal };
}

/** The notes `role` may read. */
export function visibleNotes<N extends { internal: boolean }>(role: Role, notes: readonly N[]): N[] {
  return seesInternalNotes(role) ? [...notes] : notes.filter((n) => !n.internal);
}

export interface Note {
  id: string;
  tenantId: string;
  jobId: string;
  authorId: string;
  body: string;
  internal: boolean;
  createdAt: Date;
}
