// A worker arriving at or leaving a job's site (geofence or reported): applySiteVisit records the event once
// (visits, the geofence time log), moveJobForSiteVisit moves the job: arrival is recorded on it (it clears a
// late start) and moves an assigned or accepted job to in_progress; departure is recorded. History and events.
import { type Caller, FailedPrecondition, newId } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import { notFound } from '../domain/errors.js';
import { isOpen, type Job } from '../domain/job.js';
import { nextStatus } from '../domain/job-status.js';
import {
  type SiteVisit as SiteVisitEvent,
  type SiteVisitOutcome,
  type SiteVisitVerdict,
  siteVisitOutcome,
  siteVisitStep,
  type TimeLog,
  visitTimeLog,
} from '../domain/time-logs.js';
import type { JobsDeps } from '../grpc/deps.js';
import { type JobRecord, loadJob } from '../store/job-access.js';
import type { JobsDb } from '../store/schema.js';
import { TimeLogsStore } from '../store/time-logs.store.js';
import { commitJobChange, withStatusEvent } from './job-change.js';
import { recordTimeLog } from './record-time-log.js';

export interface SiteVisit {
  tenantId: string;
  jobId: string;
  workerId: string;
  kind: 'arrived' | 'departed';
  at: Date;
}

/** `locked`: the job as this transaction already read it FOR UPDATE with nothing changed since (saves a read). */
export async function moveJobForSiteVisit(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'outbox' | 'clock'>,
  visit: SiteVisit,
  locked?: JobRecord,
): Promise<JobRecord> {
  const current =
    locked?.id === visit.jobId ? locked : await loadJob(tx, visit.tenantId, visit.jobId, { forUpdate: true });
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

/** A site visit event as a door hands it over: the job already loaded and locked by the door's own check. */
export interface SiteVisitReport {
  job: JobRecord;
  workerId: string;
  visit: SiteVisitEvent;
  /** Who reported it: written on the time log and its history entry (a user, or `system:location`). */
  reportedBy: string;
  /** The caller to forward when the tenant's settings must be read through to accounts. */
  via?: Caller;
}

export interface SiteVisitResult {
  job: JobRecord;
  /** The time log of the departure (also when answering a redelivery of it). */
  timeLog?: TimeLog;
  outcome: SiteVisitOutcome;
  /** The finer verdict recorded (`redelivered` for a duplicate event id), for logs. */
  verdict: SiteVisitVerdict | 'redelivered';
}

/**
 * Applies one arrival or departure, once per event id: RecordSiteVisit and the location-events consumer both
 * come through here. Arrival opens a visit and moves the job (moveJobForSiteVisit); departure closes the visit
 * and writes the geofence time log from the device times. Refusals that are nobody's error (auto-logging off,
 * a closed job, a worker not on the job) are verdicts recorded against the event id, not exceptions; a
 * departure before its arrival is INVALID_ARGUMENT `at` and records nothing.
 */
export async function applySiteVisit(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'outbox' | 'clock' | 'directory'>,
  report: SiteVisitReport,
): Promise<SiteVisitResult> {
  const { job, workerId, visit } = report;
  const { tenantId } = job;
  const store = new TimeLogsStore(tx);
  const now = deps.clock();
  if (!(await store.claimEvent(tenantId, visit.eventId, job.id, visit.kind, now))) {
    const applied = await store.appliedEvent(tenantId, visit.eventId);
    const timeLog =
      applied?.outcome === 'departed' && applied.visitId ? await store.byVisit(tenantId, applied.visitId) : undefined;
    return { job, timeLog, outcome: 'duplicate', verdict: 'redelivered' };
  }
  const settings = await deps.directory.settings(tenantId, report.via);
  const open = await store.openVisit(tenantId, job.id, workerId);
  const step = siteVisitStep({
    kind: visit.kind,
    autoLoggingEnabled: settings.autoLoggingEnabled,
    jobOpen: isOpen(job.status),
    workerOnJob: job.assigneeIds.includes(workerId) || job.participantIds.includes(workerId),
    visitOpen: open !== undefined,
  });
  const move = (kind: SiteVisit['kind'], unchanged?: JobRecord) =>
    moveJobForSiteVisit(tx, deps, { tenantId, jobId: job.id, workerId, kind, at: visit.at }, unchanged);

  if (step.do === 'ignore') {
    await store.recordOutcome(tenantId, visit.eventId, step.verdict, open?.id);
    return { job, outcome: siteVisitOutcome(step.verdict), verdict: step.verdict };
  }
  if (step.do === 'open_visit') {
    const visitId = newId('visit');
    await store.openNewVisit(
      { id: visitId, tenantId, jobId: job.id, workerId, arrivedAt: visit.at },
      visit.eventId,
      now,
    );
    // Both doors locked the job, and opening a visit does not touch it: no need to read it again.
    const moved = await move('arrived', job);
    await store.recordOutcome(tenantId, visit.eventId, 'arrived', visitId);
    return { job: moved, outcome: 'applied', verdict: 'arrived' };
  }
  // close_visit: the step has checked there is an open visit.
  const visitRecord = open as NonNullable<typeof open>;
  const span = visitTimeLog(visitRecord.arrivedAt, visit.at);
  await store.closeVisit(tenantId, visitRecord.id, visit.at, visit.eventId);
  const timeLog: TimeLog = {
    id: newId('tlog'),
    tenantId,
    jobId: job.id,
    workerId,
    ...span,
    source: 'geofence',
    note: '',
    visitId: visitRecord.id,
    createdBy: report.reportedBy,
    createdAt: now,
  };
  await recordTimeLog(tx, deps, job, timeLog, report.reportedBy);
  const moved = step.moveJob ? await move('departed') : job;
  await store.recordOutcome(tenantId, visit.eventId, 'departed', visitRecord.id);
  return { job: moved, timeLog, outcome: 'applied', verdict: 'departed' };
}
