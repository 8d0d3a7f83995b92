// The acceptance cycle: an assignee accepts, or rejects with a reason and maybe a due date they can meet;
// dispatch accepts that proposal or counters it; the assignee may accept (or counter) a dispatch counter.
// An accepted proposal moves the due date and the job to `accepted` (the assignee agreed to that date by
// proposing it, or by accepting dispatch's). Pure: the command stores what these return.
import { FailedPrecondition, InvalidArgument, PermissionDenied } from '@fieldline/platform';
import type { Actor } from './actor.js';
import { isDispatcher } from './directory.js';
import { InvalidTransition } from './errors.js';
import type { Job, JobStatus } from './job.js';
import { instant } from './job-input.js';
import { nextStatus } from './job-status.js';
import type { Proposal, ProposalSide } from './proposal.js';

const MAX_REASON = 1000;

function assigneeOnly(job: Job, actor: Pick<Actor, 'userId'>, what: string): void {
  if (!job.assigneeIds.includes(actor.userId)) {
    throw new PermissionDenied(`only an assignee of the job can ${what} it`, 'NOT_ASSIGNEE');
  }
}

export function reasonText(field: string, value: string, required: boolean): string {
  const t = value.trim();
  if (required && t === '') throw new InvalidArgument(field, `${field} is required`);
  if ([...t].length > MAX_REASON)
    throw new InvalidArgument(field, `${field} can have at most ${MAX_REASON} characters`);
  if (/(?![\t\n\r])\p{Cc}/u.test(t)) throw new InvalidArgument(field, `${field} cannot contain control characters`);
  return t;
}

/** A proposed due date: a real time, not before the job starts. */
export function proposedDueAt(job: Job, value: Date, field = 'proposedDueAt'): Date {
  const at = instant(field, value);
  if (at.getTime() < job.startAt.getTime())
    throw new InvalidArgument(field, `${field} cannot be before the job's startAt`);
  return at;
}

// Accepting answers an assignment; a job already accepted or under way has nothing to answer (the table's
// in_progress → accepted is dispatch putting work back, not an assignee's answer).
const ANSWERABLE: readonly JobStatus[] = ['assigned', 'rejected'];

export function acceptAssignment(job: Job, actor: Pick<Actor, 'userId'>): JobStatus {
  assigneeOnly(job, actor, 'accept');
  if (!ANSWERABLE.includes(job.status)) throw new InvalidTransition(job.status, 'accepted');
  return nextStatus(job.status, 'accepted');
}

export function rejectAssignment(job: Job, actor: Pick<Actor, 'userId'>): JobStatus {
  assigneeOnly(job, actor, 'reject');
  return nextStatus(job.status, 'rejected');
}

/** Which side of the negotiation the actor speaks for on this job. */
export function sideOf(job: Job, actor: Pick<Actor, 'userId' | 'role'>): ProposalSide | undefined {
  if (isDispatcher(actor.role)) return 'dispatcher';
  if (job.assigneeIds.includes(actor.userId)) return 'assignee';
  return undefined;
}

/** The actor may answer `proposal` (accept or counter): it is open and came from the other side. */
export function checkCanAnswer(job: Job, proposal: Proposal, actor: Pick<Actor, 'userId' | 'role'>): ProposalSide {
  if (proposal.state !== 'open') {
    throw new FailedPrecondition(
      'PROPOSAL_NOT_OPEN',
      `this proposal is ${proposal.state}; only an open one can be answered`,
    );
  }
  const side = sideOf(job, actor);
  const expected: ProposalSide = proposal.side === 'assignee' ? 'dispatcher' : 'assignee';
  if (side !== expected) {
    throw new PermissionDenied(
      expected === 'dispatcher'
        ? "only an admin or dispatcher can answer an assignee's proposal"
        : "only an assignee of the job can answer dispatch's proposal",
      'NOT_PROPOSAL_RECIPIENT',
    );
  }
  return side;
}

/** The job once `proposal` is accepted: due date moved, status accepted (unless work already went further). */
export function jobWithAcceptedProposal(job: Job, proposal: Proposal): Job {
  const status = job.status === 'accepted' ? job.status : nextStatus(job.status, 'accepted');
  return { ...job, dueAt: proposal.proposedDueAt, status };
}
