// When a job is late: past its due date while still open (past_due), or past its scheduled start with
// nobody arrived yet and work not started (late_start). Pure: the checker and every save use it.
import type { DelayCause, Job, JobStatus } from './job.js';
import { isOpen } from './job.js';

// Once work has started (or the job waits on the customer) the start is not late any more.
const NOT_STARTED: readonly JobStatus[] = ['not_started', 'assigned', 'accepted', 'rejected'];

export function causeHolds(cause: DelayCause, job: Job, now: Date): boolean {
  if (!isOpen(job.status)) return false;
  switch (cause) {
    case 'past_due':
      return job.dueAt !== undefined && job.dueAt.getTime() < now.getTime();
    case 'late_start':
      return (
        job.scheduledStart !== undefined &&
        job.scheduledStart.getTime() < now.getTime() &&
        job.arrivedAt === undefined &&
        NOT_STARTED.includes(job.status)
      );
  }
}

/** Every cause that holds now. */
export function delayCauses(job: Job, now: Date): DelayCause[] {
  return (['past_due', 'late_start'] as const).filter((c) => causeHolds(c, job, now));
}

/** The recorded causes that still hold after a change (a moved due date or an arrival clears one). */
export function remainingDelayCauses(job: Job, now: Date): DelayCause[] {
  return job.delayCauses.filter((c) => causeHolds(c, job, now));
}
