// A worker's scheduled jobs in a window, as the API shows them.
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, Timestamp } from './common.js';

export const WorkerScheduleView = Type.Object({
  workerId: Type.String(),
  items: Type.Array(
    Type.Object({
      jobId: Type.String(),
      number: Type.String(),
      title: Type.String(),
      status: Type.String(),
      scheduledStart: Nullable(Timestamp()),
      scheduledEnd: Nullable(Timestamp()),
      conflict: Type.Boolean({ description: 'overlaps another of this worker' }),
    }),
  ),
});

export function toWorkerScheduleView(res: jobs.GetWorkerScheduleResponse) {
  return {
    workerId: res.workerId,
    items: res.entries.map((e) => ({
      jobId: e.jobId,
      number: e.number,
      title: e.title,
      status: e.status,
      scheduledStart: iso(e.scheduledStart),
      scheduledEnd: iso(e.scheduledEnd),
      conflict: e.conflict,
    })),
  };
}
