// Scheduling conflicts: a worker's windows must not overlap across open jobs, unless dispatch forces it.
import type { Job } from './job.js';

export interface Window {
  start: Date;
  end: Date;
}

export interface ScheduleConflict {
  workerId: string;
  jobId: string;
  jobNumber: string;
  scheduledStart: Date;
  scheduledEnd: Date;
}

/** Half-open windows [start, end): one ending when the next starts does not overlap it. */
export function overlaps(a: Window, b: Window): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/** The conflicts of `workerIds` in `window` among `others` (their other open jobs). */
export function conflictsOf(workerIds: readonly string[], window: Window, others: readonly Job[]): ScheduleConflict[] {
  const out: ScheduleConflict[] = [];
  for (const other of others) {
    if (!other.scheduledStart || !other.scheduledEnd) continue;
    if (!overlaps(window, { start: other.scheduledStart, end: other.scheduledEnd })) continue;
    for (const workerId of workerIds) {
      if (!other.assigneeIds.includes(workerId)) continue;
      out.push({
        workerId,
        jobId: other.id,
        jobNumber: other.number,
        scheduledStart: other.scheduledStart,
        scheduledEnd: other.scheduledEnd,
      });
    }
  }
  return out;
}

/** "worker usr_1 is already on ACME-TASK-3 (…–…)": what the 409 says, naming the conflicting job. */
export function describeConflicts(conflicts: readonly ScheduleConflict[]): string {
  const parts = conflicts.map(
    (c) =>
      `worker ${c.workerId} is already on job ${c.jobNumber} from ${c.scheduledStart.toISOString()} to ${c.scheduledEnd.toISOString()}`,
  );
  return `schedule conflict: ${parts.join('; ')}`;
}
