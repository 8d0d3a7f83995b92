// gRPC door of jobs: translate the request, run the command in one transaction, translate the job back in
// the caller's view. The rules live in domain/ and commands/.
import { FailedPrecondition, InvalidArgument, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import { createJobInTx } from '../commands/create-job.js';
import { JOB_SOURCES, type JobSource } from '../domain/job.js';
import { idValue } from '../domain/job-input.js';
import { loadJobForCaller } from '../store/job-access.js';
import { isUniqueViolation, JobsStore } from '../store/jobs.store.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';
import { jobInputFromProto } from './job-input-from-proto.js';
import { toProtoJob } from './job-to-proto.js';

// Form and VoIP jobs come through PublicIntakeService, never through CreateJob.
const CREATE_SOURCES: readonly JobSource[] = ['dashboard', 'portal', 'api'];

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

const notYet = (what: string) => new FailedPrecondition('NOT_IMPLEMENTED', `${what} is not implemented yet`);

export function jobsHandlers(deps: JobsDeps): jobs.JobsServiceServer {
  const { log } = deps;
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
      void JOB_SOURCES;
      try {
        const job = await deps.db.transaction().execute((tx) => createJobInTx(tx, deps, params));
        log.info({ tenantId: actor.tenantId, jobId: job.id, number: job.number, by: actor.userId }, 'job created');
        return toProtoJob(job, actor);
      } catch (err) {
        // Two retries with one key raced: the loser returns the winner's job.
        if (key && isUniqueViolation(err, 'jobs_idempotency')) {
          const earlier = await new JobsStore(deps.db).byIdempotencyKey(actor.tenantId, key);
          if (earlier) return toProtoJob(await loadJobForCaller(deps.db, actor, earlier.id, 'read'), actor);
        }
        throw err;
      }
    }),

    getJob: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const job = await loadJobForCaller(deps.db, actor, idValue('id', req.id), 'read');
      return toProtoJob(job, actor);
    }),

    listJobs: unary(log, async () => {
      throw notYet('ListJobs');
    }),
    updateJob: unary(log, async () => {
      throw notYet('UpdateJob');
    }),
    assignJob: unary(log, async () => {
      throw notYet('AssignJob');
    }),
    acceptJob: unary(log, async () => {
      throw notYet('AcceptJob');
    }),
    rejectJob: unary(log, async () => {
      throw notYet('RejectJob');
    }),
    acceptProposal: unary(log, async () => {
      throw notYet('AcceptProposal');
    }),
    counterProposal: unary(log, async () => {
      throw notYet('CounterProposal');
    }),
    transitionJob: unary(log, async () => {
      throw notYet('TransitionJob');
    }),
    completeJob: unary(log, async () => {
      throw notYet('CompleteJob');
    }),
    autoAssignJob: unary(log, async () => {
      throw notYet('AutoAssignJob');
    }),
    addParticipants: unary(log, async () => {
      throw notYet('AddParticipants');
    }),
    getJobHistory: unary(log, async () => {
      throw notYet('GetJobHistory');
    }),
    getWorkerSchedule: unary(log, async () => {
      throw notYet('GetWorkerSchedule');
    }),
  };
}
