// gRPC door of jobs: translate the request, run the command in one transaction, translate the job back in
// the caller's view. The rules live in domain/ and commands/.
import { InvalidArgument, PermissionDenied, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import { addParticipants } from '../commands/add-participants.js';
import { assignJob, autoAssignJob, requestWindow } from '../commands/assign-job.js';
import { createJobInTx } from '../commands/create-job.js';
import { completeJob, transitionJob } from '../commands/move-job.js';
import { acceptJob, acceptProposal, counterProposal, rejectJob } from '../commands/negotiate-job.js';
import { updateJob } from '../commands/update-job.js';
import { isDispatcher } from '../domain/directory.js';
import { notFound } from '../domain/errors.js';
import type { JobSource } from '../domain/job.js';
import { isOpen, RESTRICTED_FIELDS } from '../domain/job.js';
import { idValue } from '../domain/job-input.js';
import { encodeCursor, parseListQuery, sortTextOf } from '../domain/job-list.js';
import { overlaps } from '../domain/job-schedule.js';
import { seesRestrictedView } from '../domain/job-visibility.js';
import { proposalToProto } from '../events/jobs-events.js';
import { loadJobForCaller } from '../store/job-access.js';
import { jobHistory } from '../store/job-history.store.js';
import { listJobs } from '../store/job-list.store.js';
import { isUniqueViolation, JobsStore } from '../store/jobs.store.js';
import { ProposalsStore } from '../store/proposals.store.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';
import { jobInputFromProto } from './job-input-from-proto.js';
import { toProtoJob } from './job-to-proto.js';

// Form and VoIP jobs come through PublicIntakeService, never through CreateJob.
const CREATE_SOURCES: readonly JobSource[] = ['dashboard', 'portal', 'api'];
const MAX_SCHEDULE_DAYS = 366;

function source(value: string, role: string): JobSource {
  if (value === '') return role === 'client' || role === 'guest' ? 'portal' : 'dashboard';
  if (!CREATE_SOURCES.includes(value as JobSource)) {
    throw new InvalidArgument('source', `source must be one of ${CREATE_SOURCES.join(', ')}`);
  }
  return value as JobSource;
}

function idempotencyKey(value: string): string | undefined {
  const key = value.trim();
  if (key === '') return undefined;
  if (key.length > 200 || /\p{Cc}/u.test(key)) {
    throw new InvalidArgument('idempotencyKey', 'idempotencyKey has at most 200 characters');
  }
  return key;
}

const restricted = new Set<string>(RESTRICTED_FIELDS);
// Between dispatch and the assignee: a client sees that the status moved, not the reasons given.
const NEGOTIATION = new Set<string>(['rejected', 'proposal_countered', 'proposal_accepted']);

export function jobsHandlers(deps: JobsDeps): jobs.JobsServiceServer {
  const { log, db } = deps;
  const inTx = <T>(fn: (tx: typeof db) => Promise<T>) => db.transaction().execute(fn);

  return {
    createJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const key = idempotencyKey(req.idempotencyKey);
      const params = {
        tenantId: actor.tenantId,
        actor,
        input: jobInputFromProto(req.job),
        source: source(req.source, actor.role),
        idempotencyKey: key,
      };
      try {
        const job = await inTx((tx) => createJobInTx(tx, deps, params));
        log.info({ tenantId: actor.tenantId, jobId: job.id, number: job.number, by: actor.userId }, 'job created');
        return toProtoJob(job, actor);
      } catch (err) {
        // Two retries with one key raced: the loser returns the winner's job.
        if (key && isUniqueViolation(err, 'jobs_idempotency')) {
          const earlier = await new JobsStore(db).byIdempotencyKey(actor.tenantId, key);
          if (earlier) return toProtoJob(await loadJobForCaller(db, actor, earlier.id, 'read'), actor);
        }
        throw err;
      }
    }),

    getJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const job = await loadJobForCaller(db, actor, idValue('id', req.id), 'read');
      return toProtoJob(job, actor);
    }),

    listJobs: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const query = parseListQuery({
        statuses: req.statuses,
        assigneeId: req.assigneeId,
        customerId: req.customerId,
        category: req.category,
        priority: req.priority,
        delayed: req.delayed,
        q: req.q,
        sort: req.sort,
        dueBefore: req.dueBefore,
        dueAfter: req.dueAfter,
        tag: req.tag,
        limit: req.page?.limit,
        cursor: req.page?.cursor,
      });
      const rows = await listJobs(db, actor.tenantId, actor, query);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > query.limit && last ? encodeCursor(sortTextOf(query), last.sortValue, last.job.id) : '';
      return { jobs: page.map((r) => toProtoJob(r.job, actor)), page: { nextCursor } };
    }),

    updateJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('id', req.id);
      const input = jobInputFromProto(req.job);
      const job = await inTx((tx) => updateJob(tx, deps, actor, ctx.caller(), { jobId, input, version: req.version }));
      return toProtoJob(job, actor);
    }),

    assignJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('id', req.id);
      const { job, conflicts } = await inTx((tx) =>
        assignJob(tx, deps, actor, ctx.caller(), {
          jobId,
          workerIds: req.workerIds,
          scheduledStart: req.scheduledStart,
          scheduledEnd: req.scheduledEnd,
          force: req.force,
          add: req.add,
        }),
      );
      log.info(
        { tenantId: actor.tenantId, jobId, workerIds: job.assigneeIds, conflicts: conflicts.length },
        'job assigned',
      );
      return { job: toProtoJob(job, actor), conflicts };
    }),

    acceptJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('id', req.id);
      return toProtoJob(await inTx((tx) => acceptJob(tx, deps, actor, jobId)), actor);
    }),

    rejectJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('id', req.id);
      const job = await inTx((tx) =>
        rejectJob(tx, deps, actor, { jobId, reason: req.reason, proposedDueAt: req.proposedDueAt }),
      );
      return toProtoJob(job, actor);
    }),

    acceptProposal: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('jobId', req.jobId);
      const proposalId = idValue('proposalId', req.proposalId);
      return toProtoJob(await inTx((tx) => acceptProposal(tx, deps, actor, { jobId, proposalId })), actor);
    }),

    counterProposal: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('jobId', req.jobId);
      const proposalId = idValue('proposalId', req.proposalId);
      const job = await inTx((tx) =>
        counterProposal(tx, deps, actor, { jobId, proposalId, proposedDueAt: req.proposedDueAt, message: req.message }),
      );
      return toProtoJob(job, actor);
    }),

    transitionJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('id', req.id);
      const job = await inTx((tx) => transitionJob(tx, deps, actor, { jobId, to: req.to, reason: req.reason }));
      return toProtoJob(job, actor);
    }),

    completeJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('id', req.id);
      const job = await inTx((tx) => completeJob(tx, deps, actor, { jobId, note: req.note }));
      log.info({ tenantId: actor.tenantId, jobId, by: actor.userId }, 'job completed');
      return toProtoJob(job, actor);
    }),

    autoAssignJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('id', req.id);
      const { job, choice } = await inTx((tx) =>
        autoAssignJob(tx, deps, actor, ctx.caller(), {
          jobId,
          scheduledStart: req.scheduledStart,
          scheduledEnd: req.scheduledEnd,
        }),
      );
      log.info({ tenantId: actor.tenantId, jobId, workerId: choice.workerId, rule: choice.rule }, 'job auto-assigned');
      return {
        job: toProtoJob(job, actor),
        workerId: choice.workerId,
        rule: choice.rule,
        reason: choice.reason,
        distanceM: choice.distanceM ?? 0,
      };
    }),

    addParticipants: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('id', req.id);
      const job = await inTx((tx) => addParticipants(tx, deps, actor, ctx.caller(), { jobId, userIds: req.userIds }));
      return toProtoJob(job, actor);
    }),

    getJobHistory: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const job = await loadJobForCaller(db, actor, idValue('id', req.id), 'read');
      const entries = await jobHistory(db, actor.tenantId, job.id);
      const proposals = await new ProposalsStore(db).forJob(actor.tenantId, job.id);
      // Clients and guests: no internal entries, no changes of fields they do not see, no negotiation thread.
      const limited = seesRestrictedView(actor);
      return {
        entries: entries
          .filter((e) => !(limited && e.internal))
          .map((e) => ({
            id: e.id,
            at: e.at,
            actorId: e.actorId,
            kind: e.kind,
            fromStatus: e.fromStatus ?? '',
            toStatus: e.toStatus ?? '',
            reason: limited && NEGOTIATION.has(e.kind) ? '' : e.reason,
            changes: e.changes
              .filter((c) => !(limited && restricted.has(c.field)))
              .map((c) => ({ field: c.field, fromJson: JSON.stringify(c.from), toJson: JSON.stringify(c.to) })),
            proposalId: limited ? '' : (e.proposalId ?? ''),
            proposedDueAt: limited ? undefined : e.proposedDueAt,
          })),
        proposals: limited ? [] : proposals.map(proposalToProto),
      };
    }),

    getWorkerSchedule: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const workerId = idValue('workerId', req.workerId);
      if (!req.from) throw new InvalidArgument('from', 'from is required');
      if (!req.to) throw new InvalidArgument('to', 'to is required');
      const window = requestWindow(req.from, req.to);
      if (!window) throw new InvalidArgument('from', 'from is required');
      if (window.end.getTime() - window.start.getTime() > MAX_SCHEDULE_DAYS * 86_400_000) {
        throw new InvalidArgument('to', `a schedule spans at most ${MAX_SCHEDULE_DAYS} days`);
      }
      // Dispatch plans everyone's calendar; a worker sees their own.
      if (!isDispatcher(actor.role) && actor.userId !== workerId) {
        throw new PermissionDenied("only admins and dispatchers can see another worker's schedule");
      }
      const worker = await deps.directory.user(actor.tenantId, workerId, ctx.caller());
      if (!worker) throw notFound.worker();
      const entries = await new JobsStore(db).workerSchedule(actor.tenantId, workerId, window.start, window.end);
      const open = entries.filter((j) => isOpen(j.status));
      return {
        workerId,
        entries: entries.map((j) => ({
          jobId: j.id,
          number: j.number,
          title: j.title,
          status: j.status,
          scheduledStart: j.scheduledStart,
          scheduledEnd: j.scheduledEnd,
          // Flagged when it overlaps another open job of this worker (assigned with force).
          conflict:
            isOpen(j.status) &&
            open.some(
              (o) =>
                o.id !== j.id &&
                overlaps(
                  { start: j.scheduledStart as Date, end: j.scheduledEnd as Date },
                  { start: o.scheduledStart as Date, end: o.scheduledEnd as Date },
                ),
            ),
        })),
      };
    }),
  };
}
