// What a job means to location: a fence around its site for its assignees while it is open, busy assignees while in progress.
import type { Fence } from './fence.js';
import { checkLatLng } from './geo.js';

/** The local copy of a job: only what fences and availability need (kept current from jobs events). */
export interface JobSite {
  tenantId: string;
  jobId: string;
  /** The jobs service's status: not_started | assigned | accepted | rejected | in_progress | waiting_on_customer | done | cancelled */
  status: string;
  assigneeIds: readonly string[];
  customerId: string;
  siteId: string;
  /** Absent when the job's site has no coordinates: no fence then. */
  point?: { lat: number; lng: number; radiusM: number };
  version: number;
}

/** A job site's fence radius when the job does not give one. */
export const DEFAULT_JOB_FENCE_RADIUS_M = 100;
/** Radii past this are refused by the fence index; a larger job radius is capped rather than dropped. */
export const MAX_JOB_FENCE_RADIUS_M = 100_000;

const CLOSED = new Set(['done', 'cancelled']);

export function jobFenceId(jobId: string): string {
  return `job:${jobId}`;
}

export function isOpenJob(status: string): boolean {
  return !CLOSED.has(status);
}

/** The radius to use for a job site: the job's own when sensible, else the default. */
export function jobFenceRadiusM(radiusM: number | undefined): number {
  if (radiusM === undefined || !Number.isFinite(radiusM) || radiusM <= 0) return DEFAULT_JOB_FENCE_RADIUS_M;
  return Math.min(radiusM, MAX_JOB_FENCE_RADIUS_M);
}

/**
 * The job's fence, or undefined when it has none: closed, no coordinates (or bad ones), or nobody assigned
 * (a fence watching nobody only costs memory).
 */
export function jobFence(job: JobSite): Fence | undefined {
  if (!isOpenJob(job.status) || !job.point || job.assigneeIds.length === 0) return undefined;
  if (checkLatLng(job.point.lat, job.point.lng)) return undefined;
  return {
    id: jobFenceId(job.jobId),
    tenantId: job.tenantId,
    jobId: job.jobId,
    ...(job.customerId && { customerId: job.customerId }),
    ...(job.siteId && { siteId: job.siteId }),
    workerIds: new Set(job.assigneeIds),
    shape: { kind: 'circle', lat: job.point.lat, lng: job.point.lng, radiusM: jobFenceRadiusM(job.point.radiusM) },
  };
}

/**
 * Which workers are busy: those with a job in progress. Kept per tenant as job → assignees of in-progress jobs,
 * so a job changing its assignees or status moves exactly the workers concerned.
 */
export class BusyBook {
  private readonly inProgress = new Map<string, ReadonlySet<string>>();
  private readonly jobsOf = new Map<string, Set<string>>();

  /** Records the job as it now is; returns the workers whose busy flag may have changed, with the new flag. */
  put(job: Pick<JobSite, 'jobId' | 'status' | 'assigneeIds'>): Map<string, boolean> {
    const before = this.inProgress.get(job.jobId) ?? new Set<string>();
    const after = job.status === 'in_progress' ? new Set(job.assigneeIds) : new Set<string>();
    for (const w of before) if (!after.has(w)) this.jobsOf.get(w)?.delete(job.jobId);
    for (const w of after) {
      let jobs = this.jobsOf.get(w);
      if (!jobs) {
        jobs = new Set();
        this.jobsOf.set(w, jobs);
      }
      jobs.add(job.jobId);
    }
    if (after.size > 0) this.inProgress.set(job.jobId, after);
    else this.inProgress.delete(job.jobId);
    const changed = new Map<string, boolean>();
    for (const w of new Set([...before, ...after])) {
      const busy = (this.jobsOf.get(w)?.size ?? 0) > 0;
      if (!busy) this.jobsOf.delete(w);
      changed.set(w, busy);
    }
    return changed;
  }

  isBusy(workerId: string): boolean {
    return (this.jobsOf.get(workerId)?.size ?? 0) > 0;
  }
}
