// Writing a changed job: version and time bumped, delay causes that no longer hold dropped, the versioned
// save (stale → 409), one history entry and one event, all in the caller's transaction.
import type { Kysely } from 'kysely';
import { StaleVersion } from '../domain/errors.js';
import type { Job, JobStatus } from '../domain/job.js';
import { remainingDelayCauses } from '../domain/job-delays.js';
import { diffJobs } from '../domain/job-input.js';
import type { Proposal } from '../domain/proposal.js';
import { type JobChangedType, jobChanged } from '../events/jobs-events.js';
import type { JobsDeps } from '../grpc/deps.js';
import { appendHistory, type FieldChange, type HistoryKind } from '../store/job-access.js';
import { JobsStore } from '../store/jobs.store.js';
import type { JobsDb } from '../store/schema.js';

export interface ChangeRecord {
  actorId: string;
  history: HistoryKind;
  event: JobChangedType;
  reason?: string;
  proposal?: Proposal;
  addedUserIds?: string[];
  removedUserIds?: string[];
  /** Extra events of the same change (e.g. job_status_changed beside job_completed). */
  alsoEvents?: JobChangedType[];
  /** Field changes to record instead of the computed diff. */
  changes?: FieldChange[];
}

/** Saves `next` over `current` when anything differs; returns what is now stored. */
export async function commitJobChange(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'outbox' | 'clock'>,
  current: Job,
  draft: Job,
  rec: ChangeRecord,
): Promise<Job> {
  const now = deps.clock();
  const next: Job = { ...draft, delayCauses: remainingDelayCauses(draft, now) };
  const changes = rec.changes ?? diffJobs(current, next);
  if (changes.length === 0 && !rec.proposal) return current;
  const saved: Job = { ...next, version: current.version + 1, updatedAt: now };
  if (!(await new JobsStore(tx).save(saved, current.version))) throw new StaleVersion(current.version + 1);
  const cleared = current.delayCauses.filter((c) => !saved.delayCauses.includes(c));
  if (cleared.length > 0) {
    await tx
      .deleteFrom('job_delays')
      .where('tenant_id', '=', saved.tenantId)
      .where('job_id', '=', saved.id)
      .where('cause', 'in', cleared)
      .execute();
  }
  const statusMoved = current.status !== saved.status;
  await appendHistory(tx, {
    tenantId: saved.tenantId,
    jobId: saved.id,
    actorId: rec.actorId,
    kind: rec.history,
    fromStatus: statusMoved ? current.status : undefined,
    toStatus: statusMoved ? saved.status : undefined,
    reason: rec.reason,
    changes: changes.filter((c) => c.field !== 'status' && c.field !== 'delayCauses'),
    proposalId: rec.proposal?.id,
    proposedDueAt: rec.proposal?.proposedDueAt,
    at: now,
  });
  const details = {
    actorId: rec.actorId,
    fromStatus: statusMoved ? current.status : undefined,
    reason: rec.reason,
    proposal: rec.proposal,
    addedUserIds: rec.addedUserIds,
    removedUserIds: rec.removedUserIds,
  };
  await deps.outbox.addAll(
    tx,
    [rec.event, ...(rec.alsoEvents ?? [])].map((type) => jobChanged(type, saved, details)),
  );
  return saved;
}

/** job_status_changed accompanies every change that moved the status (consumers may follow that one alone). */
export function withStatusEvent(current: JobStatus, next: JobStatus, rec: ChangeRecord): ChangeRecord {
  if (current === next || rec.event === 'job_status_changed') return rec;
  return { ...rec, alsoEvents: [...(rec.alsoEvents ?? []), 'job_status_changed'] };
}
