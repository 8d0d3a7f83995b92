// SQL for job_sites: the local copy of jobs (status, assignees, site), newest jobs version wins.
import type { Kysely } from 'kysely';
import type { JobSite } from '../domain/job-fences.js';
import type { JobSitesTable, LocationDb } from './schema.js';

const toJobSite = (r: JobSitesTable): JobSite => ({
  tenantId: r.tenant_id,
  jobId: r.job_id,
  status: r.status,
  assigneeIds: r.assignee_ids,
  customerId: r.customer_id,
  siteId: r.site_id,
  ...(r.lat !== null && r.lng !== null && { point: { lat: r.lat, lng: r.lng, radiusM: r.radius_m ?? 0 } }),
  version: r.version,
});

export class JobSitesStore {
  constructor(private readonly db: Kysely<LocationDb>) {}

  /** Writes the job unless a newer (or the same) version is stored; returns whether it wrote. */
  async put(job: JobSite, now: Date): Promise<boolean> {
    const row = {
      tenant_id: job.tenantId,
      job_id: job.jobId,
      status: job.status,
      assignee_ids: [...job.assigneeIds],
      customer_id: job.customerId,
      site_id: job.siteId,
      lat: job.point?.lat ?? null,
      lng: job.point?.lng ?? null,
      radius_m: job.point?.radiusM ?? null,
      version: job.version,
      updated_at: now,
    };
    const res = await this.db
      .insertInto('job_sites')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'job_id']).doUpdateSet(row).where('job_sites.version', '<', job.version),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async get(tenantId: string, jobId: string): Promise<JobSite | undefined> {
    const row = await this.db
      .selectFrom('job_sites')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return row && toJobSite(row);
  }

  /** Jobs not done or cancelled: the ones with fences or busy workers. */
  async allOpen(): Promise<JobSite[]> {
    const rows = await this.db
      .selectFrom('job_sites')
      .selectAll()
      .where('status', 'not in', ['done', 'cancelled'])
      .execute();
    return rows.map(toJobSite);
  }
}
