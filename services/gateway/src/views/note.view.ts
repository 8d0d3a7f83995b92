// A note on a job as the API shows it.
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, Timestamp } from './common.js';

export const NoteView = Type.Object(
  {
    id: Type.String(),
    jobId: Type.String(),
    authorId: Type.String(),
    body: Type.String(),
    internal: Type.Boolean({ description: 'seen by admins and dispatchers only' }),
    createdAt: Nullable(Timestamp()),
  },
  { $id: 'Note' },
);

export function toNoteView(n: jobs.Note) {
  return {
    id: n.id,
    jobId: n.jobId,
    authorId: n.authorId,
    body: n.body,
    internal: n.internal,
    createdAt: iso(n.createdAt),
  };
}
