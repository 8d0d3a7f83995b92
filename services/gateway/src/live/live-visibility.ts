// What each user may receive on the live feed. Positions: dispatch (admins, dispatchers, their API keys) sees
// every worker of the tenant, a co-worker only themself, clients and guests none. Jobs: the jobs service's own
// visibility rule (services/jobs/src/domain/job-visibility.ts, mirrored here because events carry the full job),
// and clients and guests get the restricted view. Pure: no I/O.
import type { Role } from '@fieldline/auth';
import type { jobs } from '@fieldline/proto';

export type Viewer = {
  role: Role;
  userId: string;
  /** Clients and guests: their customer. */
  customerId?: string;
  /** Co-workers: the customers assigned to them (a notify-only or requester co-worker sees only those jobs). */
  assignedCustomerIds: readonly string[];
};

type Members = Pick<jobs.Job, 'assigneeIds' | 'participantIds' | 'notifyIds' | 'requesterId' | 'customerId'>;

const isDispatch = (role: Role) => role === 'admin' || role === 'dispatcher';

export function maySeePosition(viewer: Viewer, workerId: string): boolean {
  if (isDispatch(viewer.role)) return true;
  return viewer.role === 'coworker' && workerId === viewer.userId;
}

/** Whether any position may reach this viewer at all (clients and guests get none). */
export function seesPositions(viewer: Pick<Viewer, 'role'>): boolean {
  return isDispatch(viewer.role) || viewer.role === 'coworker';
}

/**
 * The jobs service's rule: dispatch sees every job; a co-worker a job they are assignee or participant of, or
 * notify-only / requester of when it has no customer or its customer is assigned to them; a client every job of
 * their customer and those they requested; a guest the jobs of their customer they are on or requested.
 */
export function maySeeJob(viewer: Viewer, job: Members): boolean {
  const assignee = job.assigneeIds.includes(viewer.userId);
  const participant = job.participantIds.includes(viewer.userId);
  const notify = job.notifyIds.includes(viewer.userId);
  const requester = job.requesterId !== '' && job.requesterId === viewer.userId;
  const ownCustomer = Boolean(viewer.customerId) && job.customerId === viewer.customerId;
  switch (viewer.role) {
    case 'admin':
    case 'dispatcher':
      return true;
    case 'coworker':
      if (assignee || participant) return true;
      if (!notify && !requester) return false;
      return job.customerId === '' || viewer.assignedCustomerIds.includes(job.customerId);
    case 'client':
      return ownCustomer || requester;
    case 'guest':
      return ownCustomer && (assignee || participant || notify || requester);
    default:
      return false;
  }
}

/** Clients and guests see a job without prices, hours, billing and internal fields. */
export function seesRestrictedJob(viewer: Pick<Viewer, 'role'>): boolean {
  return viewer.role === 'client' || viewer.role === 'guest';
}

/** The job as the jobs service shows it to a client or guest (its toProtoJob), for the job view. */
export function restrictJob(job: jobs.Job): jobs.Job {
  return {
    ...job,
    price: undefined,
    expenses: undefined,
    estimatedHours: 0,
    billableHours: 0,
    billable: false,
    billed: false,
    quantity: 0,
    mileage: 0,
    customFields: undefined,
    scheduleConflict: false,
    notifyIds: [],
    restrictedView: true,
  };
}
