// Putting workers on a job: the new assignee list, who was added or removed, and the status that follows
// (a new assignee has to accept: not_started, rejected and accepted jobs go to assigned; work in progress
// keeps its status). Emptying the list puts a waiting job back to not_started.
import { InvalidTransition } from './errors.js';
import { isOpen, type Job, type JobStatus } from './job.js';
import { nextStatus } from './job-status.js';

export interface Assignment {
  next: Job;
  added: string[];
  removed: string[];
}

const AWAITING_ANSWER: readonly JobStatus[] = ['not_started', 'assigned', 'accepted', 'rejected'];

export function assignWorkers(
  job: Job,
  workerIds: readonly string[],
  opts: { add?: boolean; window?: { start: Date; end: Date } } = {},
): Assignment {
  if (!isOpen(job.status)) throw new InvalidTransition(job.status, 'assigned');
  const assigneeIds = [...new Set(opts.add ? [...job.assigneeIds, ...workerIds] : workerIds)];
  const added = assigneeIds.filter((w) => !job.assigneeIds.includes(w));
  const removed = job.assigneeIds.filter((w) => !assigneeIds.includes(w));
  let status = job.status;
  if (assigneeIds.length === 0) {
    if (AWAITING_ANSWER.includes(status) && status !== 'not_started') status = nextStatus(status, 'not_started');
  } else if (status === 'not_started' || status === 'rejected' || (status === 'accepted' && added.length > 0)) {
    status = nextStatus(status, 'assigned');
  }
  const next: Job = { ...job, assigneeIds, status };
  if (opts.window) {
    next.scheduledStart = opts.window.start;
    next.scheduledEnd = opts.window.end;
  }
  return { next, added, removed };
}
