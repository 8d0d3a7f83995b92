// TransitionJob and CompleteJob: status moves by the table of domain/job-status.ts, by who may make them;
// done sets the completed date and 100 % and publishes job_completed; a reopened job loses its completed date.
import { FailedPrecondition, InvalidArgument, PermissionDenied } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { Actor } from '../domain/actor.js';
import { isDispatcher } from '../domain/directory.js';
import { JOB_STATUSES, type Job, type JobStatus } from '../domain/job.js';
import { ASSIGNEE_ANSWERS, checkTransition } from '../domain/job-status.js';
import { canEditJob } from '../domain/job-visibility.js';
import { reasonText } from '../domain/negotiation.js';
import type { JobsDeps } from '../grpc/deps.js';
import { loadJobForCaller } from '../store/job-access.js';
import { ProposalsStore } from '../store/proposals.store.js';
import type { JobsDb } from '../store/schema.js';
import { commitJobChange } from './job-change.js';

type Deps = Pick<JobsDeps, 'outbox' | 'clock'>;

export function targetStatus(value: string): JobStatus {
  const to = value.trim();
  if (!(JOB_STATUSES as readonly string[]).includes(to)) {
    throw new InvalidArgument('to', `to must be one of ${JOB_STATUSES.join(', ')}`);
  }
  if (ASSIGNEE_ANSWERS.includes(to as JobStatus)) {
    throw new InvalidArgument(
      'to',
      `an assignee ${to === 'accepted' ? 'accepts' : 'rejects'} a job with /accept or /reject`,
    );
  }
  return to as JobStatus;
}

export async function transitionJob(
  tx: Kysely<JobsDb>,
  deps: Deps,
  actor: Actor,
  req: { jobId: string; to: string; reason: string },
): Promise<Job> {
  const to = targetStatus(req.to);
  const reason = reasonText('reason', req.reason, false);
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  if (!canEditJob(actor, current)) throw new PermissionDenied(`a ${actor.role} cannot change this job's status`);
  checkTransition(current.status, to, isDispatcher(actor.role));
  if (to === 'assigned' && current.assigneeIds.length === 0) {
    throw new FailedPrecondition('JOB_HAS_NO_ASSIGNEE', 'assign workers to the job first', 'to');
  }
  return applyMove(tx, deps, actor, current, to, reason);
}

export async function completeJob(
  tx: Kysely<JobsDb>,
  deps: Deps,
  actor: Actor,
  req: { jobId: string; note: string },
): Promise<Job> {
  const reason = reasonText('note', req.note, false);
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  if (!canEditJob(actor, current)) throw new PermissionDenied(`a ${actor.role} cannot complete this job`);
  checkTransition(current.status, 'done', isDispatcher(actor.role));
  return applyMove(tx, deps, actor, current, 'done', reason);
}

async function applyMove(
  tx: Kysely<JobsDb>,
  deps: Deps,
  actor: Actor,
  current: Job,
  to: JobStatus,
  reason: string,
): Promise<Job> {
  const next: Job = { ...current, status: to };
  if (to === 'done') {
    next.completedAt = deps.clock();
    next.percentComplete = 100;
  }
  if (current.status === 'done') next.completedAt = undefined;
  // A closed job has nothing left to negotiate.
  if (to === 'done' || to === 'cancelled') await new ProposalsStore(tx).supersedeOpen(current.tenantId, current.id);
  return commitJobChange(tx, deps, current, next, {
    actorId: actor.userId,
    history: to === 'done' ? 'completed' : 'status_changed',
    event: 'job_status_changed',
    alsoEvents: to === 'done' ? ['job_completed'] : [],
    reason,
  });
}
