// SQL reading a job's history, oldest first (entries are written through job-access.ts appendHistory).
import type { Kysely } from 'kysely';
import type { JobStatus } from '../domain/job.js';
import type { FieldChange, HistoryKind } from './job-access.js';
import type { JobsDb } from './schema.js';

export interface HistoryEntry {
  id: string;
  at: Date;
  actorId: string;
  kind: HistoryKind;
  fromStatus?: JobStatus;
  toStatus?: JobStatus;
  reason: string;
  changes: FieldChange[];
  proposalId?: string;
  proposedDueAt?: Date;
  internal: boolean;
}

export async function jobHistory(db: Kysely<JobsDb>, tenantId: string, jobId: string): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('job_history')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('job_id', '=', jobId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    kind: r.kind as HistoryKind,
    fromStatus: (r.from_status ?? undefined) as JobStatus | undefined,
    toStatus: (r.to_status ?? undefined) as JobStatus | undefined,
    reason: r.reason,
    changes: r.changes ?? [],
    proposalId: r.proposal_id ?? undefined,
    proposedDueAt: r.proposed_due_at ?? undefined,
    internal: r.internal,
  }));
}
