// Keeps location's copy of jobs: an open job with coordinates is a fence for its assignees, an in-progress one
// makes them busy. Durable consumer shared by the replicas; each write NOTIFYs every replica to reload the job.
import { type EventEnvelope, eventFilter, type Logger, type NatsConnection, runConsumer } from '@fieldline/platform';
import { type jobs, jobsEvents } from '@fieldline/proto';
import type { Kysely, Transaction } from 'kysely';
import type { JobSite } from '../domain/job-fences.js';
import { JobSitesStore } from '../store/job-sites.store.js';
import type { LocationDb } from '../store/schema.js';
import { notifyChange } from '../store/state-changes.js';

export const JOBS_CONSUMER = 'location-jobs';

/** The jobs events whose payload is a JobChanged (the job as it now is). */
export const JOB_CHANGED_EVENTS: ReadonlySet<string> = new Set([
  'job_created',
  'job_updated',
  'job_assigned',
  'job_accepted',
  'job_rejected',
  'job_proposal_countered',
  'job_proposal_accepted',
  'job_status_changed',
  'job_completed',
  'participants_changed',
]);

export function jobSiteFromProto(job: jobs.Job): JobSite {
  const site = job.site;
  return {
    tenantId: job.tenantId,
    jobId: job.id,
    status: job.status,
    assigneeIds: [...job.assigneeIds],
    customerId: job.customerId,
    siteId: site?.siteId ?? '',
    ...(site?.hasCoordinates && { point: { lat: site.lat, lng: site.lng, radiusM: site.radiusM } }),
    version: job.version,
  };
}

export async function applyJobsEvent(
  tx: Kysely<LocationDb>,
  envelope: EventEnvelope,
  payload: Uint8Array,
  now: Date,
): Promise<void> {
  if (!JOB_CHANGED_EVENTS.has(envelope.type)) return;
  const { job } = jobsEvents.JobChanged.decode(payload);
  if (!job?.id || job.tenantId !== envelope.tenantId) return;
  if (await new JobSitesStore(tx).put(jobSiteFromProto(job), now)) {
    await notifyChange(tx, { kind: 'job', tenantId: job.tenantId, id: job.id });
  }
}

export function startJobsConsumer(opts: {
  nc: NatsConnection;
  db: Kysely<LocationDb>;
  prefix: string;
  log: Logger;
  clock: () => Date;
}) {
  return runConsumer({
    nc: opts.nc,
    db: opts.db,
    prefix: opts.prefix,
    durable: JOBS_CONSUMER,
    filterSubjects: [eventFilter({ prefix: opts.prefix, producer: 'jobs' })],
    handle: (tx, envelope, payload) => applyJobsEvent(tx as Transaction<LocationDb>, envelope, payload, opts.clock()),
    log: opts.log,
  });
}
