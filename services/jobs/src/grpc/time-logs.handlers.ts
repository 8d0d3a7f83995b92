// gRPC door of time logs: manual entries by staff for a worker on the job, the job's list (staff only), and
// site visits reported by the location service or a worker's phone (arrival → in_progress, departure → an
// automatic time log), each location event applied once.
import { InvalidArgument, newId, PermissionDenied, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import type { Kysely } from 'kysely';
import { recordTimeLog } from '../commands/record-time-log.js';
import { CUSTOMER_ROLES, STAFF_ROLES } from '../domain/directory.js';
import { applySiteVisit } from '../domain/job-commands.js';
import { idValue } from '../domain/job-input.js';
import { manualTimeLog, siteVisit, type TimeLog } from '../domain/time-logs.js';
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
      const result = await inTx(async (tx) => {
        // Locked: visits of one job apply one after the other, and a redelivery waits for the first to commit.
        const job = await loadJobForCaller(tx, actor, jobId, 'update');
        return applySiteVisit(tx, deps, { job, workerId, visit, reportedBy: actor.userId, via: ctx.caller() });
      });
      log.info(
        {
          tenantId: actor.tenantId,
          jobId,
          workerId,
          eventId: visit.eventId,
          outcome: result.outcome,
          verdict: result.verdict,
        },
        'site visit',
      );
      return {
        job: toProtoJob(result.job, actor),
        timeLog: result.timeLog ? timeLogToProto(result.timeLog) : undefined,
        outcome: result.outcome,
      };
    }),
  };
}
