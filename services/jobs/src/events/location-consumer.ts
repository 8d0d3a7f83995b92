// Geofence auto-logging: a durable consumer of the location service's worker_arrived / worker_departed events
// that applies each job-fence event as RecordSiteVisit does (applySiteVisit): arrival → in_progress and an open
// visit, departure → the geofence time log with the device times. Refusals (auto-logging off, a closed job, a
// worker not on the job, an unknown job, a departure before its arrival) are logged and acknowledged, never
// retried into the dead-letter stream; only outages (database, accounts) are retried.
import {
  DomainError,
  type EventEnvelope,
  eventFilter,
  type NatsConnection,
  type RunningConsumer,
  runConsumer,
} from '@fieldline/platform';
import { locationEvents } from '@fieldline/proto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { applySiteVisit } from '../domain/job-commands.js';
import { type SiteVisitKind, siteVisit } from '../domain/time-logs.js';
import type { JobsDeps } from '../grpc/deps.js';
import { loadJob } from '../store/job-access.js';
import type { JobsDb } from '../store/schema.js';

export const LOCATION_CONSUMER = 'jobs-location';
/** Who a geofence time log and its history entry name as their author. */
export const LOCATION_ACTOR = 'system:location';

const KINDS: Record<string, SiteVisitKind> = { worker_arrived: 'arrived', worker_departed: 'departed' };
// Arrivals of different jobs are applied side by side (each is a transaction of about fifteen statements, so
// one at a time a burst of ten arrivals kept the last one waiting ~200 ms); one job's events stay in order.
const CONCURRENCY = 8;
const PAYLOAD_TYPE = `${locationEvents.protobufPackage}.WorkerSiteEvent`;
// Refusals of the event itself: retrying would give the same answer. Anything else (unavailable, a conflict)
// is an outage or a race, retried by the consumer.
const REFUSALS = new Set(['invalid_argument', 'failed_precondition', 'not_found', 'permission_denied']);

type ConsumerDeps = Pick<JobsDeps, 'outbox' | 'clock' | 'directory' | 'log'>;

/**
 * Applies one location event; what it did is returned (and logged): `skipped` for events that are not about
 * a job (customer-site fences, other types), `refused` for an event the rules turn down as invalid.
 * Runs in the consumer's transaction, after its processed_events record, so a redelivery never gets here;
 * the envelope id is also the visit's event id, so one relayed through RecordSiteVisit is applied once too.
 */
export async function applyLocationEvent(
  tx: Kysely<JobsDb>,
  deps: ConsumerDeps,
  envelope: EventEnvelope,
  payload: Uint8Array,
): Promise<string> {
  const kind = KINDS[envelope.type];
  if (!kind) return 'skipped';
  if (envelope.payloadType !== PAYLOAD_TYPE) {
    // Not something the rules can judge: a broken producer, for the dead-letter stream after the retries.
    throw new Error(`${envelope.type} carries ${envelope.payloadType || 'no payload type'}, not ${PAYLOAD_TYPE}`);
  }
  const event = locationEvents.WorkerSiteEvent.decode(payload);
  const { tenantId } = envelope;
  const fields = { tenantId, jobId: event.jobId, workerId: event.workerId, eventId: envelope.id, kind };
  if (!event.jobId) return 'skipped'; // a customer-site fence: nothing for jobs

  // A savepoint, so a refusal thrown half-way leaves nothing behind while the consumer still commits its
  // processed_events record (no retry loop for an event that will never be accepted).
  await sql`savepoint location_event`.execute(tx);
  try {
    const visit = siteVisit({ kind, at: event.at, eventId: envelope.id });
    const job = await loadJob(tx, tenantId, event.jobId, { forUpdate: true });
    if (!job) {
      await sql`release savepoint location_event`.execute(tx);
      deps.log.info({ ...fields, outcome: 'ignored_job_not_found' }, 'location event ignored');
      return 'ignored_job_not_found';
    }
    const result = await applySiteVisit(tx, deps, { job, workerId: event.workerId, visit, reportedBy: LOCATION_ACTOR });
    await sql`release savepoint location_event`.execute(tx);
    const applied = result.outcome === 'applied';
    deps.log.info(
      { ...fields, outcome: result.outcome, verdict: result.verdict, at: visit.at, timeLogId: result.timeLog?.id },
      applied ? 'location event applied' : 'location event ignored',
    );
    return result.outcome;
  } catch (err) {
    if (!(err instanceof DomainError && REFUSALS.has(err.kind))) throw err;
    await sql`rollback to savepoint location_event`.execute(tx);
    deps.log.warn({ ...fields, code: err.code, reason: err.message }, 'location event refused');
    return 'refused';
  }
}

/** What must stay in order: one job's arrivals and departures (a departure closes the visit its arrival opened). */
export function jobOf(envelope: EventEnvelope): string {
  if (!KINDS[envelope.type] || envelope.payloadType !== PAYLOAD_TYPE) return '';
  return locationEvents.WorkerSiteEvent.decode(envelope.payload).jobId;
}

export function startLocationConsumer(opts: {
  nc: NatsConnection;
  prefix: string;
  deps: ConsumerDeps & Pick<JobsDeps, 'db'>;
}): Promise<RunningConsumer> {
  const { prefix, deps } = opts;
  return runConsumer({
    nc: opts.nc,
    db: deps.db,
    prefix,
    durable: LOCATION_CONSUMER,
    filterSubjects: Object.keys(KINDS).map((type) => eventFilter({ prefix, producer: 'location', type })),
    handle: async (tx, envelope, payload) => {
      await applyLocationEvent(tx as Transaction<JobsDb>, deps, envelope, payload);
    },
    concurrency: CONCURRENCY,
    orderKey: jobOf,
    log: deps.log,
  });
}
