// A worker arriving at or leaving a job's site (geofence or manual): arrival is recorded (it clears a late
// start) and moves an assigned or accepted job to in_progress; departure is recorded. History and events.
import { FailedPrecondition } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import { notFound } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import { nextStatus } from '../domain/job-status.js';
import type { JobsDeps } from '../grpc/deps.js';
import { type JobRecord, loadJob } from '../store/job-access.js';
import type { JobsDb } from '../store/schema.js';
import { commitJobChange, withStatusEvent } from './job-change.js';

export interface SiteVisit {
  tenantId: string;
  jobId: string;
  workerId: string;
  kind: 'arrived' | 'departed';
  at: Date;
}

export async function moveJobForSiteVisit(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'outbox' | 'clock'>,
  visit: SiteVisit,
): Promise<JobRecord> {
  const current = await loadJob(tx, visit.tenantId, visit.jobId, { forUpdate: true });
  if (!current) throw notFound.job();
  if (!current.assigneeIds.includes(visit.workerId) && !current.participantIds.includes(visit.workerId)) {
    throw new FailedPrecondition(
      'WORKER_NOT_ON_JOB',
      `worker ${visit.workerId} is not on job ${current.number}`,
      'workerId',
    );
  }
  const next: Job = { ...current };
  if (visit.kind === 'arrived') {
    // The first arrival counts for "late start"; later ones (coming back after lunch) do not move it.
    next.arrivedAt = current.arrivedAt ?? visit.at;
    if (current.status === 'assigned' || current.status === 'accepted')
      next.status = nextStatus(current.status, 'in_progress');
  } else {
    next.departedAt = visit.at;
  }
  const rec = {
    actorId: visit.workerId,
    history: next.status !== current.status ? ('status_changed' as const) : ('site_visit' as const),
    event: 'job_updated' as const,
    reason: visit.kind === 'arrived' ? 'worker arrived on site' : 'worker left the site',
  };
  return commitJobChange(tx, deps, current, next, withStatusEvent(current.status, next.status, rec));
}
