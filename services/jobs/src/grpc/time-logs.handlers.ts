// gRPC door of time logs: manual entries by staff for a worker on the job, the job's list (staff only), and
// site visits reported by the location service or a worker's phone (arrival → in_progress, departure → an
// automatic time log), each location event applied once.
import { InvalidArgument, newId, PermissionDenied, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import type { Kysely } from 'kysely';
import { recordTimeLog } from '../commands/record-time-log.js';
import { CUSTOMER_ROLES, STAFF_ROLES } from '../domain/directory.js';
import { moveJobForSiteVisit } from '../domain/job-commands.js';
import { idValue } from '../domain/job-input.js';
import { manualTimeLog, siteVisit, type TimeLog, visitTimeLog } from '../domain/time-logs.js';
import { loadJobForCaller } from '../store/job-access.js';
import type { JobsDb } from '../store/schema.js';
import { TimeLogsStore } from '../store/time-logs.store.js';
import { timeLogToProto } from './activity-to-proto.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';
import { toProtoJob } from './job-to-proto.js';

export type TimeLogsHandlers = Pick<jobs.JobActivityServiceServer, 'addTimeLog' | 'listTimeLogs' | 'recordSiteVisit'>;

export function timeLogsHandlers(deps: JobsDeps): TimeLogsHandlers {
  const { log } = deps;
  const inTx = <T>(fn: (tx: Kysely<JobsDb>) => Promise<T>) => deps.db.transaction().execute(fn);

  return {
    addTimeLog: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      if (CUSTOMER_ROLES.includes(actor.role)) {
        throw new PermissionDenied('clients and guests cannot log time', 'TIME_LOG_FORBIDDEN');
      }
      const jobId = idValue('jobId', req.jobId);
      const workerId = req.workerId.trim() === '' ? actor.userId : idValue('workerId', req.workerId);
      if (actor.role === 'coworker' && workerId !== actor.userId) {
        throw new PermissionDenied('co-workers log only their own time', 'TIME_LOG_FORBIDDEN');
      }
      const now = deps.clock();
      const span = manualTimeLog(
        { startedAt: req.startedAt, endedAt: req.endedAt, hours: req.hours, note: req.note },
        now,
      );
      // Out of sight is NOT_FOUND before anything is said about the worker.
      await loadJobForCaller(deps.db, actor, jobId, 'read');
      const worker = await deps.directory.user(actor.tenantId, workerId, ctx.caller());
      if (!worker?.active || !STAFF_ROLES.includes(worker.role)) {
        throw new InvalidArgument('workerId', 'workerId must be an active staff user of this tenant');
      }
      const timeLog: TimeLog = {
        id: newId('tlog'),
        tenantId: actor.tenantId,
        jobId,
        workerId,
        ...span,
        source: 'manual',
        createdBy: actor.userId,
        createdAt: now,
      };
      await inTx(async (tx) => {
        const job = await loadJobForCaller(tx, actor, jobId, 'read');
        if (!job.assigneeIds.includes(workerId) && !job.participantIds.includes(workerId)) {
          throw new InvalidArgument('workerId', 'the worker is not on this job (assignee or participant)');
        }
        await recordTimeLog(tx, deps, job, timeLog, actor.userId);
      });
      return timeLogToProto(timeLog);
    }),

    listTimeLogs: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('jobId', req.jobId);
      const logs = await inTx(async (tx) => {
        await loadJobForCaller(tx, actor, jobId, 'read');
        // Hours are internal bookkeeping, like the job's billable hours clients do not see either.
        if (CUSTOMER_ROLES.includes(actor.role)) {
          throw new PermissionDenied('clients and guests do not see time logs', 'TIME_LOG_FORBIDDEN');
        }
        return new TimeLogsStore(tx).list(actor.tenantId, jobId);
      });
      return { timeLogs: logs.map(timeLogToProto) };
    }),

    recordSiteVisit: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('jobId', req.jobId);
      const workerId = idValue('workerId', req.workerId);
      const visit = siteVisit({ kind: req.kind, at: req.at, eventId: req.eventId });
      // The location service reports for everyone (as dispatch), a phone only for its own worker.
      if (!(actor.role === 'admin' || actor.role === 'dispatcher' || actor.userId === workerId)) {
        throw new PermissionDenied(
          'only dispatch or the worker themself can report a site visit',
          'SITE_VISIT_FORBIDDEN',
        );
      }
      const now = deps.clock();
      const result = await inTx(async (tx) => {
        const store = new TimeLogsStore(tx);
        // Locked: visits of one job apply one after the other, and a redelivery waits for the first to commit.
        const job = await loadJobForCaller(tx, actor, jobId, 'update');
        if (!(await store.claimEvent(actor.tenantId, visit.eventId, jobId, visit.kind, now))) {
          const applied = await store.appliedEvent(actor.tenantId, visit.eventId);
          const timeLog =
            applied?.outcome === 'departed' && applied.visitId
              ? await store.byVisit(actor.tenantId, applied.visitId)
              : undefined;
          return { job, timeLog, outcome: 'duplicate' as const };
        }
        const open = await store.openVisit(actor.tenantId, jobId, workerId);
        if (visit.kind === 'arrived') {
          if (open) {
            await store.recordOutcome(actor.tenantId, visit.eventId, 'already_inside', open.id);
            return { job, timeLog: undefined, outcome: 'already_inside' as const };
          }
          const visitId = newId('visit');
          await store.openNewVisit(
            { id: visitId, tenantId: actor.tenantId, jobId, workerId, arrivedAt: visit.at },
            visit.eventId,
            now,
          );
          const moved = await moveJobForSiteVisit(tx, deps, {
            tenantId: actor.tenantId,
            jobId,
            workerId,
            kind: 'arrived',
            at: visit.at,
          });
          await store.recordOutcome(actor.tenantId, visit.eventId, 'arrived', visitId);
          return { job: moved, timeLog: undefined, outcome: 'arrived' as const };
        }
        if (!open) {
          await store.recordOutcome(actor.tenantId, visit.eventId, 'no_open_visit');
          return { job, timeLog: undefined, outcome: 'no_open_visit' as const };
        }
        const span = visitTimeLog(open.arrivedAt, visit.at);
        await store.closeVisit(actor.tenantId, open.id, visit.at, visit.eventId);
        const timeLog: TimeLog = {
          id: newId('tlog'),
          tenantId: actor.tenantId,
          jobId,
          workerId,
          ...span,
          source: 'geofence',
          note: '',
          visitId: open.id,
          createdBy: actor.userId,
          createdAt: now,
        };
        await recordTimeLog(tx, deps, job, timeLog, actor.userId);
        // A worker taken off the job while on site still gets the time they spent; the job is left as it is.
        const stillOnJob = job.assigneeIds.includes(workerId) || job.participantIds.includes(workerId);
        const moved = stillOnJob
          ? await moveJobForSiteVisit(tx, deps, {
              tenantId: actor.tenantId,
              jobId,
              workerId,
              kind: 'departed',
              at: visit.at,
            })
          : job;
        await store.recordOutcome(actor.tenantId, visit.eventId, 'departed', open.id);
        return { job: moved, timeLog, outcome: 'departed' as const };
      });
      // The response has no outcome field: a departure without arrival and a redelivery answer with the job
      // as it is and no time log; the log line says which it was.
      log.info(
        { tenantId: actor.tenantId, jobId, workerId, eventId: visit.eventId, outcome: result.outcome },
        'site visit',
      );
      return {
        job: toProtoJob(result.job, actor),
        timeLog: result.timeLog ? timeLogToProto(result.timeLog) : undefined,
      };
    }),
  };
}
