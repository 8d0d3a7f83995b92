// A reminder on a job as the API shows it.
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Timestamp } from './common.js';

export const ReminderView = Type.Object(
  {
    id: Type.String(),
    jobId: Type.String(),
    remindAt: Nullable(Timestamp()),
    message: Nullable(Type.String()),
    createdBy: Type.String(),
    state: Type.String({ description: 'pending | sent | cancelled' }),
    createdAt: Nullable(Timestamp()),
  },
  { $id: 'Reminder' },
);

export function toReminderView(r: jobs.Reminder) {
  return {
    id: r.id,
    jobId: r.jobId,
    remindAt: iso(r.remindAt),
    message: orNull(r.message),
    createdBy: r.createdBy,
    state: r.state,
    createdAt: iso(r.createdAt),
  };
}
