// Which status moves a job may make, and which of them only dispatch (admins, dispatchers) may make.
// Everything else is refused with both states named. Accept and reject are the assignee's own moves
// (AcceptJob / RejectJob); TransitionJob covers the rest.
import { PermissionDenied } from '@fieldline/platform';
import { InvalidTransition } from './errors.js';
import type { JobStatus } from './job.js';

const allowed: Record<JobStatus, readonly JobStatus[]> = {
  not_started: ['assigned', 'in_progress', 'cancelled', 'waiting_on_customer'],
  assigned: ['accepted', 'rejected', 'in_progress', 'not_started', 'cancelled'],
  // done from accepted: small jobs are finished without passing through in_progress.
  accepted: ['in_progress', 'waiting_on_customer', 'assigned', 'cancelled', 'done'],
  // accepted from rejected: the assignee changes their mind, or a deadline proposal is agreed.
  rejected: ['assigned', 'accepted', 'not_started', 'cancelled'],
  in_progress: ['waiting_on_customer', 'done', 'accepted', 'cancelled'],
  waiting_on_customer: ['in_progress', 'done', 'cancelled'],
  done: ['in_progress'],
  cancelled: ['not_started'],
};

/** Moves only admins and dispatchers make: cancelling, putting back, and reopening a closed job. */
const dispatchOnly: ReadonlyArray<readonly [JobStatus | '*', JobStatus]> = [
  ['done', 'in_progress'],
  ['cancelled', 'not_started'],
  ['*', 'cancelled'],
  ['*', 'not_started'],
  ['*', 'assigned'],
];

/** Moves that belong to the assignee through AcceptJob / RejectJob, not to TransitionJob. */
export const ASSIGNEE_ANSWERS: readonly JobStatus[] = ['accepted', 'rejected'];

export function canMove(from: JobStatus, to: JobStatus): boolean {
  return allowed[from].includes(to);
}

/** The new status when the move is allowed, else InvalidTransition naming both states. */
export function nextStatus(from: JobStatus, to: JobStatus): JobStatus {
  if (!canMove(from, to)) throw new InvalidTransition(from, to);
  return to;
}

export function isDispatchOnlyMove(from: JobStatus, to: JobStatus): boolean {
  return dispatchOnly.some(([f, t]) => (f === '*' || f === from) && t === to);
}

/**
 * A move requested through TransitionJob: legal in the table, and by someone allowed to make it
 * (dispatch any; workers on the job the work moves: in_progress, waiting_on_customer, done).
 */
export function checkTransition(from: JobStatus, to: JobStatus, byDispatch: boolean): JobStatus {
  const next = nextStatus(from, to);
  if (!byDispatch && isDispatchOnlyMove(from, to)) {
    throw new PermissionDenied(`only admins and dispatchers can move a job from ${from} to ${to}`);
  }
  return next;
}

export function allowedMoves(from: JobStatus): readonly JobStatus[] {
  return allowed[from];
}
