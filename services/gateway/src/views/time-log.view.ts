// Time worked on a job as the API shows it.
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Timestamp } from './common.js';

export const TimeLogView = Type.Object(
  {
    id: Type.String(),
    jobId: Type.String(),
    workerId: Type.String(),
    startedAt: Nullable(Timestamp()),
    endedAt: Nullable(Timestamp()),
    hours: Type.Number(),
    source: Type.String({ description: 'manual | geofence' }),
    note: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Nullable(Timestamp()),
  },
  { $id: 'TimeLog' },
);

export function toTimeLogView(t: jobs.TimeLog) {
  return {
    id: t.id,
    jobId: t.jobId,
    workerId: t.workerId,
    startedAt: iso(t.startedAt),
    endedAt: iso(t.endedAt),
    hours: t.hours,
    source: t.source,
    note: orNull(t.note),
    createdBy: t.createdBy,
    createdAt: iso(t.createdAt),
  };
}
