// Who sees which job, and who may act on it. Pure: the same rule is expressed in SQL for lists
// (store/jobs.store.ts visibleTo), and the two are checked against each other by the visibility tests.
//
// The rule:
// - admin, dispatcher: every job of the tenant.
// - coworker: a job they are ON. As assignee or participant they always see it (they were put on it by
//   someone who could); as notify-only or requester they see it only when it has no customer or its
//   customer is assigned to them (PRODUCT: co-workers see only the clients assigned to them).
// - client: every job of their customer, and jobs they requested.
// - guest: jobs of their customer they were added to (participant, notify, assignee) or requested.
// Clients and guests get the restricted field set. Out of sight is "not found", never "forbidden".
import type { Actor } from './actor.js';
import type { Job } from './job.js';

export type Viewer = Pick<Actor, 'role' | 'userId' | 'customerId' | 'assignedCustomerIds'>;
export type JobRelation = 'assignee' | 'participant' | 'notify' | 'requester';
type Members = Pick<Job, 'assigneeIds' | 'participantIds' | 'notifyIds' | 'requesterId' | 'customerId'>;

/** How the user stands to the job, every relation they have. */
export function relationsOf(userId: string, job: Members): JobRelation[] {
  const out: JobRelation[] = [];
  if (job.assigneeIds.includes(userId)) out.push('assignee');
  if (job.participantIds.includes(userId)) out.push('participant');
  if (job.notifyIds.includes(userId)) out.push('notify');
  if (job.requesterId === userId) out.push('requester');
  return out;
}

export function isOnJob(userId: string, job: Members): boolean {
  return relationsOf(userId, job).length > 0;
}

export function canSeeJob(viewer: Viewer, job: Members): boolean {
  const relations = relationsOf(viewer.userId, job);
  switch (viewer.role) {
    case 'admin':
    case 'dispatcher':
      return true;
    case 'coworker': {
      if (relations.includes('assignee') || relations.includes('participant')) return true;
      if (relations.length === 0) return false;
      return job.customerId === undefined || viewer.assignedCustomerIds.includes(job.customerId);
    }
    case 'client':
      return (
        (viewer.customerId !== undefined && job.customerId === viewer.customerId) || relations.includes('requester')
      );
    case 'guest':
      return viewer.customerId !== undefined && job.customerId === viewer.customerId && relations.length > 0;
    default:
      return false;
  }
}

/** Clients and guests see a job without prices and internal fields. */
export function seesRestrictedView(viewer: Pick<Viewer, 'role'>): boolean {
  return viewer.role === 'client' || viewer.role === 'guest';
}

/**
 * Whether the viewer may change the job's fields (UpdateJob) once they see it: dispatch roles any field,
 * coworkers who work on it (assignee, participant) the work fields (see job-input.ts COWORKER_FIELDS).
 * Notify-only coworkers, requesters, clients and guests only read (they can still add notes and
 * participants, which have their own rules).
 */
export function canEditJob(viewer: Viewer, job: Members): boolean {
  if (viewer.role === 'admin' || viewer.role === 'dispatcher') return true;
  if (viewer.role !== 'coworker') return false;
  const relations = relationsOf(viewer.userId, job);
  return relations.includes('assignee') || relations.includes('participant');
}

/** Anyone on the job (or dispatch) may add participants: PRODUCT "anyone on a job can add participants". */
export function canAddParticipants(viewer: Viewer, job: Members): boolean {
  if (viewer.role === 'admin' || viewer.role === 'dispatcher') return true;
  return canSeeJob(viewer, job) && (isOnJob(viewer.userId, job) || viewer.role === 'client');
}
