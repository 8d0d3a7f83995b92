// SQL for time logs (job_time_logs) and the geofence visits behind the automatic ones (job_site_visits,
// with job_site_visit_events recording each applied location event so a redelivery changes nothing).
import type { Kysely } from 'kysely';
import type { SiteVisitVerdict, TimeLog, TimeLogSource } from '../domain/time-logs.js';
import type { JobsDb } from './schema.js';

export interface JobTimeLogsTable {
  id: string;
  tenant_id: string;
  job_id: string;
  worker_id: string;
  started_at: Date;
  ended_at: Date;
  hours: number;
  source: string;
  note: string;
  visit_id: string | null;
  created_by: string;
  created_at: Date;
}

export interface JobSiteVisitsTable {
  id: string;
  tenant_id: string;
  job_id: string;
  worker_id: string;
  arrived_at: Date;
  departed_at: Date | null;
  arrival_event_id: string;
  departure_event_id: string | null;
  created_at: Date;
}

export interface JobSiteVisitEventsTable {
  tenant_id: string;
  event_id: string;
  job_id: string;
  kind: string;
  outcome: string;
  visit_id: string | null;
  applied_at: Date;
}

type TimeTables = {
  job_time_logs: JobTimeLogsTable;
  job_site_visits: JobSiteVisitsTable;
  job_site_visit_events: JobSiteVisitEventsTable;
};

/**
 * What a location event did (job_site_visit_events.outcome, 'pending' only inside the claiming transaction):
 * the answer to a redelivery of the same event is read back from it.
 */
export type VisitOutcome = SiteVisitVerdict;

export interface SiteVisitRecord {
  id: string;
  tenantId: string;
  jobId: string;
  workerId: string;
  arrivedAt: Date;
  departedAt?: Date;
}

export interface AppliedVisitEvent {
  jobId: string;
  kind: string;
  outcome: VisitOutcome;
  visitId?: string;
}

const toTimeLog = (r: JobTimeLogsTable): TimeLog => ({
  id: r.id,
  tenantId: r.tenant_id,
  jobId: r.job_id,
  workerId: r.worker_id,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  hours: r.hours,
  source: r.source as TimeLogSource,
  note: r.note,
  visitId: r.visit_id ?? undefined,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const toVisit = (r: JobSiteVisitsTable): SiteVisitRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  jobId: r.job_id,
  workerId: r.worker_id,
  arrivedAt: r.arrived_at,
  departedAt: r.departed_at ?? undefined,
});

export class TimeLogsStore {
  private readonly db: Kysely<JobsDb & TimeTables>;

  constructor(db: Kysely<JobsDb>) {
    this.db = db.withTables<TimeTables>();
  }

  async insert(log: TimeLog): Promise<void> {
    await this.db
      .insertInto('job_time_logs')
      .values({
        id: log.id,
        tenant_id: log.tenantId,
        job_id: log.jobId,
        worker_id: log.workerId,
        started_at: log.startedAt,
        ended_at: log.endedAt,
        hours: log.hours,
        source: log.source,
        note: log.note,
        visit_id: log.visitId ?? null,
        created_by: log.createdBy,
        created_at: log.createdAt,
      })
      .execute();
  }

  async list(tenantId: string, jobId: string): Promise<TimeLog[]> {
    const rows = await this.db
      .selectFrom('job_time_logs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    return rows.map(toTimeLog);
  }

  async byVisit(tenantId: string, visitId: string): Promise<TimeLog | undefined> {
    const row = await this.db
      .selectFrom('job_time_logs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('visit_id', '=', visitId)
      .executeTakeFirst();
    return row && toTimeLog(row);
  }

  /**
   * Claims the location event for this transaction: true when it is new. A concurrent delivery of the same
   * event waits on the primary key until this transaction ends, then sees it taken.
   */
  async claimEvent(tenantId: string, eventId: string, jobId: string, kind: string, now: Date): Promise<boolean> {
    const claimed = await this.db
      .insertInto('job_site_visit_events')
      .values({
        tenant_id: tenantId,
        event_id: eventId,
        job_id: jobId,
        kind,
        outcome: 'pending',
        visit_id: null,
        applied_at: now,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  async recordOutcome(tenantId: string, eventId: string, outcome: VisitOutcome, visitId?: string): Promise<void> {
    await this.db
      .updateTable('job_site_visit_events')
      .set({ outcome, visit_id: visitId ?? null })
      .where('tenant_id', '=', tenantId)
      .where('event_id', '=', eventId)
      .execute();
  }

  async appliedEvent(tenantId: string, eventId: string): Promise<AppliedVisitEvent | undefined> {
    const row = await this.db
      .selectFrom('job_site_visit_events')
      .select(['job_id', 'kind', 'outcome', 'visit_id'])
      .where('tenant_id', '=', tenantId)
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return (
      row && {
        jobId: row.job_id,
        kind: row.kind,
        outcome: row.outcome as VisitOutcome,
        visitId: row.visit_id ?? undefined,
      }
    );
  }

  /** The worker's visit of the job still open (arrived, not yet departed), locked for this transaction. */
  async openVisit(tenantId: string, jobId: string, workerId: string): Promise<SiteVisitRecord | undefined> {
    const row = await this.db
      .selectFrom('job_site_visits')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .where('worker_id', '=', workerId)
      .where('departed_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    return row && toVisit(row);
  }

  async openNewVisit(visit: SiteVisitRecord, eventId: string, now: Date): Promise<void> {
    await this.db
      .insertInto('job_site_visits')
      .values({
        id: visit.id,
        tenant_id: visit.tenantId,
        job_id: visit.jobId,
        worker_id: visit.workerId,
        arrived_at: visit.arrivedAt,
        departed_at: null,
        arrival_event_id: eventId,
        departure_event_id: null,
        created_at: now,
      })
      .execute();
  }

  async closeVisit(tenantId: string, visitId: string, departedAt: Date, eventId: string): Promise<void> {
    await this.db
      .updateTable('job_site_visits')
      .set({ departed_at: departedAt, departure_event_id: eventId })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', visitId)
      .execute();
  }
}
