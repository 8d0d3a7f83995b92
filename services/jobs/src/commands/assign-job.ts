// AssignJob and AutoAssignJob: workers onto a job in a window, refused on an overlap with their other open
// jobs unless forced (then flagged); auto-assign picks the worker by the rules of domain/auto-assign.ts.
import { type Caller, InvalidArgument, PermissionDenied } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { Actor } from '../domain/actor.js';
import { assignWorkers } from '../domain/assignment.js';
import {
  type AutoAssignChoice,
  type CoworkerCandidate,
  type NearbyCandidate,
  pickCustomerCoworker,
  pickNearest,
} from '../domain/auto-assign.js';
import { isDispatcher, STAFF_ROLES } from '../domain/directory.js';
import { InvalidTransition, NoEligibleWorker } from '../domain/errors.js';
import { isOpen, type Job } from '../domain/job.js';
import { idList, instant } from '../domain/job-input.js';
import { conflictsOf, type ScheduleConflict, type Window } from '../domain/job-schedule.js';
import type { JobsDeps } from '../grpc/deps.js';
import { loadJobForCaller } from '../store/job-access.js';
import { JobsStore } from '../store/jobs.store.js';
import { ProposalsStore } from '../store/proposals.store.js';
import type { JobsDb } from '../store/schema.js';
import { commitJobChange, withStatusEvent } from './job-change.js';
import { checkPeople, checkSchedule } from './job-refs.js';

export function dispatchOnly(actor: Actor, what: string): void {
  if (!isDispatcher(actor.role)) throw new PermissionDenied(`only admins and dispatchers can ${what}`);
}

/** A window given in a request: both ends or neither, end after start. */
export function requestWindow(start: Date | undefined, end: Date | undefined): Window | undefined {
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined) throw new InvalidArgument('scheduledStart', 'scheduledStart is required with scheduledEnd');
  if (end === undefined) throw new InvalidArgument('scheduledEnd', 'scheduledEnd is required with scheduledStart');
  const s = instant('scheduledStart', start);
  const e = instant('scheduledEnd', end);
  if (e.getTime() <= s.getTime())
    throw new InvalidArgument('scheduledEnd', 'scheduledEnd must be after scheduledStart');
  return { start: s, end: e };
}

export interface AssignResult {
  job: Job;
  conflicts: ScheduleConflict[];
}

async function assignInTx(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'outbox' | 'clock'>,
  actor: Actor,
  current: Job,
  workerIds: string[],
  opts: { add: boolean; window?: Window; force: boolean; reason?: string },
): Promise<AssignResult> {
  const { next, added, removed } = assignWorkers(current, workerIds, { add: opts.add, window: opts.window });
  const windowMoved = opts.window !== undefined;
  const conflicts = await checkSchedule(tx, next, windowMoved ? next.assigneeIds : added, opts.force);
  next.scheduleConflict = conflicts.length > 0 || (!windowMoved && current.scheduleConflict && added.length === 0);
  // A new crew makes the old negotiation moot.
  if (removed.length > 0) await new ProposalsStore(tx).supersedeOpen(current.tenantId, current.id);
  const job = await commitJobChange(
    tx,
    deps,
    current,
    next,
    withStatusEvent(current.status, next.status, {
      actorId: actor.userId,
      history: 'assigned',
      event: 'job_assigned',
      reason: opts.reason,
      addedUserIds: added,
      removedUserIds: removed,
    }),
  );
  return { job, conflicts };
}

export async function assignJob(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'directory' | 'outbox' | 'clock'>,
  actor: Actor,
  via: Caller,
  req: { jobId: string; workerIds: string[]; scheduledStart?: Date; scheduledEnd?: Date; force: boolean; add: boolean },
): Promise<AssignResult> {
  dispatchOnly(actor, 'assign jobs');
  const workerIds = idList('workerIds', req.workerIds, 20);
  if (workerIds.length === 0) throw new InvalidArgument('workerIds', 'workerIds needs at least one worker');
  const window = requestWindow(req.scheduledStart, req.scheduledEnd);
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  if (!isOpen(current.status)) throw new InvalidTransition(current.status, 'assigned');
  await checkPeople(deps, actor.tenantId, current, { assigneeIds: workerIds }, via, { assigneeIds: 'workerIds' });
  return assignInTx(tx, deps, actor, current, workerIds, { add: req.add, window, force: req.force });
}

export interface AutoAssignResult extends AssignResult {
  choice: AutoAssignChoice;
}

// How far the nearest-worker rule looks, and how many candidates it asks for.
const NEAREST_RADIUS_M = 50_000;
const NEAREST_LIMIT = 20;

export async function autoAssignJob(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'directory' | 'outbox' | 'clock' | 'location' | 'log'>,
  actor: Actor,
  via: Caller,
  req: { jobId: string; scheduledStart?: Date; scheduledEnd?: Date },
): Promise<AutoAssignResult> {
  dispatchOnly(actor, 'auto-assign jobs');
  const requested = requestWindow(req.scheduledStart, req.scheduledEnd);
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  if (!isOpen(current.status)) throw new InvalidTransition(current.status, 'assigned');
  const window =
    requested ??
    (current.scheduledStart && current.scheduledEnd
      ? { start: current.scheduledStart, end: current.scheduledEnd }
      : undefined);
  const store = new JobsStore(tx);
  const busyOf = async (ids: string[]) => {
    if (!window || ids.length === 0) return new Set<string>();
    const others = await store.overlapping(actor.tenantId, ids, window.start, window.end, current.id);
    return new Set(conflictsOf(ids, window, others).map((c) => c.workerId));
  };

  const why: string[] = [];
  let choice: AutoAssignChoice | undefined;
  const customer = current.customerId
    ? await deps.directory.customer(actor.tenantId, current.customerId, via)
    : undefined;
  if (customer && customer.coworkerIds.length > 0) {
    const users = await deps.directory.users(actor.tenantId, customer.coworkerIds, via);
    const busy = await busyOf(customer.coworkerIds);
    const load = await store.openJobCounts(actor.tenantId, customer.coworkerIds);
    const candidates: CoworkerCandidate[] = customer.coworkerIds.map((id) => {
      const u = users.get(id);
      return {
        id,
        name: u?.name ?? id,
        eligible: !!u?.active && u.role === 'coworker',
        busy: busy.has(id),
        openJobs: load.get(id) ?? 0,
      };
    });
    choice = pickCustomerCoworker(candidates);
    if (!choice) why.push("none of the customer's coworkers is active and free in the window");
  } else {
    why.push(customer ? 'the customer has no assigned coworkers' : 'the job has no customer');
  }

  if (!choice) {
    const site = current.site;
    if (!deps.location) why.push('the nearest-worker rule needs the location service, which is not configured');
    else if (site?.lat === undefined || site.lng === undefined) why.push('the job site has no coordinates');
    else {
      const nearby = await deps.location
        .nearestWorkers({
          tenantId: actor.tenantId,
          lat: site.lat,
          lng: site.lng,
          radiusM: NEAREST_RADIUS_M,
          limit: NEAREST_LIMIT,
          availableOnly: true,
          caller: via,
        })
        .catch((err: unknown) => {
          // An unreachable location service costs the rule, not the request: the answer says why.
          deps.log.warn({ err, tenantId: actor.tenantId, jobId: current.id }, 'nearest-worker lookup failed');
          return undefined;
        });
      const found = nearby ?? [];
      const ids = found.map((n) => n.workerId);
      const users = await deps.directory.users(actor.tenantId, ids, via);
      const busy = await busyOf(ids);
      const candidates: NearbyCandidate[] = found.map((n) => {
        const u = users.get(n.workerId);
        return {
          id: n.workerId,
          name: u?.name ?? n.workerId,
          distanceM: n.distanceM,
          eligible: !!u?.active && STAFF_ROLES.includes(u.role) && u.role !== 'admin',
          busy: busy.has(n.workerId),
        };
      });
      choice = pickNearest(candidates);
      if (!choice) {
        why.push(
          nearby === undefined
            ? 'the location service did not answer'
            : `no available eligible worker within ${NEAREST_RADIUS_M / 1000} km`,
        );
      }
    }
  }
  if (!choice) throw new NoEligibleWorker(why.join('; '));

  const result = await assignInTx(tx, deps, actor, current, [choice.workerId], {
    add: false,
    window: requested,
    force: false,
    reason: `auto-assign (${choice.rule}): ${choice.reason}`,
  });
  return { ...result, choice };
}
