// The one door to a single job for every command (jobs core and activity alike): load it as the caller may
// see it (invisible is "not found"), lock it when the command will write, and record what happened.
import type { Caller } from '@fieldline/platform';
import { newId } from '@fieldline/platform';
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../domain/actor.js';
import { notFound } from '../domain/errors.js';
import type { Job, JobStatus } from '../domain/job.js';
import { canSeeJob, type Viewer } from '../domain/job-visibility.js';
import { rowToJob } from './job-rows.js';
import type { JobsDb } from './schema.js';

/** A job as stored (the domain Job; the name says it came from the database). */
export type JobRecord = Job;

export type JobIntent = 'read' | 'update';

/** The caller as a visibility viewer; a coworker's assigned customers are read from the directory if not known. */
export async function viewerOf(db: Kysely<JobsDb>, caller: Caller | Actor): Promise<Viewer> {
  if ('assignedCustomerIds' in caller) return caller;
  const assignedCustomerIds =
    caller.role === 'coworker' ? await assignedCustomers(db, caller.tenantId, caller.userId) : [];
  return { role: caller.role, userId: caller.userId, customerId: caller.customerId, assignedCustomerIds };
}

export async function assignedCustomers(db: Kysely<JobsDb>, tenantId: string, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('dir_customers')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`coworker_ids @> array[${userId}]::text[]`)
    .execute();
  return rows.map((r) => r.id);
}

/** The job, read without visibility checks (system work: delay checker, site visits). */
export async function loadJob(
  db: Kysely<JobsDb>,
  tenantId: string,
  jobId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<JobRecord | undefined> {
  let q = db.selectFrom('jobs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', jobId);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? rowToJob(row) : undefined;
}

/**
 * The job `jobId` of the caller's tenant when the caller may see it, else NotFound JOB_NOT_FOUND (whether it
 * is absent, in another tenant, or out of sight). Intent `update` locks the row for the rest of the
 * transaction, so concurrent commands on one job apply one after the other. Which changes the caller may
 * make is the command's own check.
 */
export async function loadJobForCaller(
  tx: Kysely<JobsDb>,
  caller: Caller | Actor,
  jobId: string,
  intent: JobIntent,
): Promise<JobRecord> {
  const job = await loadJob(tx, caller.tenantId, jobId, { forUpdate: intent === 'update' });
  if (!job) throw notFound.job();
  if (!canSeeJob(await viewerOf(tx, caller), job)) throw notFound.job();
  return job;
}

export type HistoryKind =
  | 'created'
  | 'updated'
  | 'status_changed'
  | 'assigned'
  | 'accepted'
  | 'rejected'
  | 'proposal_countered'
  | 'proposal_accepted'
  | 'participants_added'
  | 'completed'
  | 'note_added'
  | 'attachment_added'
  | 'time_logged'
  | 'reminder_set'
  | 'delayed'
  | 'site_visit';

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface HistoryInput {
  tenantId: string;
  jobId: string;
  actorId: string;
  kind: HistoryKind;
  fromStatus?: JobStatus;
  toStatus?: JobStatus;
  reason?: string;
  changes?: FieldChange[];
  proposalId?: string;
  proposedDueAt?: Date;
  /** Hidden from clients and guests (e.g. an internal note was added). */
  internal?: boolean;
  /** When it happened; pass the service clock (defaults to now). */
  at?: Date;
}

/** Appends one entry to the job's history, in the caller's transaction. */
export async function appendHistory(tx: Kysely<JobsDb>, entry: HistoryInput): Promise<string> {
  const id = newId('jhe');
  await tx
    .insertInto('job_history')
    .values({
      id,
      tenant_id: entry.tenantId,
      job_id: entry.jobId,
      at: entry.at ?? new Date(),
      actor_id: entry.actorId,
      kind: entry.kind,
      from_status: entry.fromStatus ?? null,
      to_status: entry.toStatus ?? null,
      reason: entry.reason ?? '',
      changes: JSON.stringify(entry.changes ?? []),
      proposal_id: entry.proposalId ?? null,
      proposed_due_at: entry.proposedDueAt ?? null,
      internal: entry.internal ?? false,
    })
    .execute();
  return id;
}
