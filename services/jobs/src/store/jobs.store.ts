// SQL for jobs: numbering counter, insert and versioned save, idempotency lookups, related-job checks and
// the schedule overlaps of workers. Lists live in job-list.store.ts.

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Job } from '../domain/job.js';
import { CLOSED_STATUSES } from '../domain/job.js';
import { jobToValues, rowToJob } from './job-rows.js';
import type { JobsDb } from './schema.js';

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export class JobsStore {
  constructor(private readonly db: Kysely<JobsDb>) {}

  /**
   * The tenant's next job number. The counter row stays locked until the transaction ends, so concurrent
   * creates queue here: no duplicates, and a rolled-back create gives its number back (no gaps).
   */
  async nextSeq(tenantId: string): Promise<number> {
    const row = await this.db
      .insertInto('job_counters')
      .values({ tenant_id: tenantId, n: 1 })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ n: sql<number>`job_counters.n + 1` }))
      .returning('n')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(job: Job, idempotencyKey?: string): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values(jobToValues(job, idempotencyKey ?? null))
      .execute();
  }

  /** Writes `next` over the row still at `previousVersion`; false when someone else saved first. */
  async save(next: Job, previousVersion: number): Promise<boolean> {
    const { id, tenant_id, idempotency_key: _k, created_at: _c, ...values } = jobToValues(next);
    const res = await this.db
      .updateTable('jobs')
      .set(values)
      .where('tenant_id', '=', tenant_id)
      .where('id', '=', id)
      .where('version', '=', previousVersion)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async byIdempotencyKey(tenantId: string, key: string): Promise<Job | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? rowToJob(row) : undefined;
  }

  /** Which of `ids` are jobs of the tenant. */
  async existingIds(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...ids])
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Serialises schedule changes per worker until the transaction ends, so two assignments racing for the
   * same worker cannot both miss each other's overlap.
   */
  async lockWorkers(tenantId: string, workerIds: readonly string[]): Promise<void> {
    for (const w of [...workerIds].sort()) {
      await sql`select pg_advisory_xact_lock(hashtext(${`${tenantId}/${w}`}))`.execute(this.db);
    }
  }

  /** Open jobs (other than `exceptJobId`) of these workers whose window overlaps [start, end). */
  async overlapping(
    tenantId: string,
    workerIds: readonly string[],
    start: Date,
    end: Date,
    exceptJobId?: string,
  ): Promise<Job[]> {
    if (workerIds.length === 0) return [];
    let q = this.db
      .selectFrom('jobs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('assignee_ids', '&&', sql<string[]>`${sql.val([...workerIds])}::text[]`)
      .where('status', 'not in', [...CLOSED_STATUSES])
      .where('scheduled_start', '<', end)
      .where('scheduled_end', '>', start);
    if (exceptJobId) q = q.where('id', '<>', exceptJobId);
    const rows = await q.orderBy('scheduled_start').orderBy('id').execute();
    return rows.map(rowToJob);
  }

  /** A worker's jobs with a window meeting [from, to), closed ones included (it is their calendar). */
  async workerSchedule(tenantId: string, workerId: string, from: Date, to: Date): Promise<Job[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(sql<boolean>`assignee_ids @> array[${workerId}]::text[]`)
      .where('scheduled_start', '<', to)
      .where('scheduled_end', '>', from)
      .orderBy('scheduled_start')
      .orderBy('id')
      .execute();
    return rows.map(rowToJob);
  }

  /** How many open jobs each worker is assigned to (auto-assign prefers the least loaded). */
  async openJobCounts(tenantId: string, workerIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map(workerIds.map((w) => [w, 0]));
    if (workerIds.length === 0) return out;
    const rows = await sql<{ worker_id: string; n: number }>`
      select w as worker_id, count(*)::int as n
      from jobs, unnest(assignee_ids) as w
      where tenant_id = ${tenantId} and w = any(${sql.val([...workerIds])}::text[])
        and status not in ('done', 'cancelled')
      group by w`.execute(this.db);
    for (const r of rows.rows) out.set(r.worker_id, Number(r.n));
    return out;
  }
}
