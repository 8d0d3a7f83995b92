// AcceptJob, RejectJob, AcceptProposal, CounterProposal: the assignee's answer and the deadline negotiation,
// each proposal kept (GetJobHistory returns the thread) and every step in history and events.
import { InvalidArgument, newId } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { Actor } from '../domain/actor.js';
import { notFound } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import {
  acceptAssignment,
  checkCanAnswer,
  jobWithAcceptedProposal,
  proposedDueAt,
  reasonText,
  rejectAssignment,
} from '../domain/negotiation.js';
import type { Proposal, ProposalSide } from '../domain/proposal.js';
import type { JobsDeps } from '../grpc/deps.js';
import { loadJobForCaller } from '../store/job-access.js';
import { ProposalsStore } from '../store/proposals.store.js';
import type { JobsDb } from '../store/schema.js';
import { commitJobChange, withStatusEvent } from './job-change.js';

type Deps = Pick<JobsDeps, 'outbox' | 'clock'>;

function newProposal(job: Job, actor: Actor, side: ProposalSide, dueAt: Date, message: string, now: Date): Proposal {
  return {
    id: newId('prp'),
    tenantId: job.tenantId,
    jobId: job.id,
    proposedBy: actor.userId,
    side,
    proposedDueAt: dueAt,
    message,
    state: 'open',
    createdAt: now,
  };
}

export async function acceptJob(tx: Kysely<JobsDb>, deps: Deps, actor: Actor, jobId: string): Promise<Job> {
  const current = await loadJobForCaller(tx, actor, jobId, 'update');
  const status = acceptAssignment(current, actor);
  // Accepting the job as it stands answers any open proposal of dispatch too.
  await new ProposalsStore(tx).supersedeOpen(current.tenantId, current.id);
  return commitJobChange(
    tx,
    deps,
    current,
    { ...current, status },
    {
      actorId: actor.userId,
      history: 'accepted',
      event: 'job_accepted',
      alsoEvents: ['job_status_changed'],
    },
  );
}

export async function rejectJob(
  tx: Kysely<JobsDb>,
  deps: Deps,
  actor: Actor,
  req: { jobId: string; reason: string; proposedDueAt?: Date },
): Promise<Job> {
  const reason = reasonText('reason', req.reason, true);
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  const status = rejectAssignment(current, actor);
  const proposals = new ProposalsStore(tx);
  await proposals.supersedeOpen(current.tenantId, current.id);
  let proposal: Proposal | undefined;
  if (req.proposedDueAt) {
    proposal = newProposal(current, actor, 'assignee', proposedDueAt(current, req.proposedDueAt), reason, deps.clock());
    await proposals.insert(proposal);
  }
  return commitJobChange(
    tx,
    deps,
    current,
    { ...current, status },
    {
      actorId: actor.userId,
      history: 'rejected',
      event: 'job_rejected',
      alsoEvents: ['job_status_changed'],
      reason,
      proposal,
    },
  );
}

async function openProposal(tx: Kysely<JobsDb>, job: Job, proposalId: string): Promise<Proposal> {
  const proposal = await new ProposalsStore(tx).get(job.tenantId, job.id, proposalId);
  if (!proposal) throw notFound.proposal();
  return proposal;
}

export async function acceptProposal(
  tx: Kysely<JobsDb>,
  deps: Deps,
  actor: Actor,
  req: { jobId: string; proposalId: string },
): Promise<Job> {
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  const proposal = await openProposal(tx, current, req.proposalId);
  checkCanAnswer(current, proposal, actor);
  const next = jobWithAcceptedProposal(current, proposal);
  const accepted = await new ProposalsStore(tx).setState(proposal, 'accepted');
  return commitJobChange(
    tx,
    deps,
    current,
    next,
    withStatusEvent(current.status, next.status, {
      actorId: actor.userId,
      history: 'proposal_accepted',
      event: 'job_proposal_accepted',
      proposal: accepted,
    }),
  );
}

export async function counterProposal(
  tx: Kysely<JobsDb>,
  deps: Deps,
  actor: Actor,
  req: { jobId: string; proposalId: string; proposedDueAt?: Date; message: string },
): Promise<Job> {
  const message = reasonText('message', req.message, false);
  if (!req.proposedDueAt) throw new InvalidArgument('proposedDueAt', 'proposedDueAt is required to counter a proposal');
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  const proposal = await openProposal(tx, current, req.proposalId);
  const side = checkCanAnswer(current, proposal, actor);
  const dueAt = proposedDueAt(current, req.proposedDueAt);
  const proposals = new ProposalsStore(tx);
  await proposals.setState(proposal, 'countered');
  const counter = newProposal(current, actor, side, dueAt, message, deps.clock());
  await proposals.insert(counter);
  return commitJobChange(tx, deps, current, current, {
    actorId: actor.userId,
    history: 'proposal_countered',
    event: 'job_proposal_countered',
    reason: message,
    proposal: counter,
    changes: [],
  });
}
