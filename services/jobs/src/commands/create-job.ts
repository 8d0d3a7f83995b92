// Creating a job, for every door (CreateJob, the public form, a phone call): who may, the checks of every
// field and reference, the number from the tenant's counter, defaults, history and events, in one transaction.
import { type Caller, newId } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import { type Actor, actorId, isSystemActor, type SystemActor } from '../domain/actor.js';
import { isDispatcher } from '../domain/directory.js';
import { JobCreationBlocked } from '../domain/errors.js';
import type { JobSource } from '../domain/job.js';
import {
  checkFieldsAllowed,
  DISPATCH_FIELDS,
  fieldsAllowedOnCreate,
  type JobInputFields,
  newJob,
  parseJobInput,
} from '../domain/job-input.js';
import { formatJobNumber } from '../domain/job-number.js';
import { jobChanged } from '../events/jobs-events.js';
import type { JobsDeps } from '../grpc/deps.js';
import { appendHistory, type JobRecord, loadJobForCaller } from '../store/job-access.js';
import { JobsStore } from '../store/jobs.store.js';
import type { JobsDb } from '../store/schema.js';
import { checkPeople, checkRelatedJobs, checkSchedule, customerFor, jobRefs } from './job-refs.js';

export interface CreateJobParams {
  tenantId: string;
  /** A logged-in caller (re-checked against the directory), or the public form / a phone call. */
  actor: Caller | Actor | SystemActor;
  input: JobInputFields;
  source: JobSource;
  /** A retried create with the same key returns the first job. */
  idempotencyKey?: string;
  /** For system actors: the user who asked, when one is known (e.g. the client matched by e-mail). */
  requesterId?: string;
}

async function actorOf(deps: Pick<JobsDeps, 'directory'>, actor: Caller | Actor): Promise<Actor> {
  return 'assignedCustomerIds' in actor ? actor : deps.directory.authenticate(actor);
}

/** Creates the job in `tx` (the caller's transaction: commit or roll back with it). */
export async function createJobInTx(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'directory' | 'outbox' | 'clock'>,
  params: CreateJobParams,
): Promise<JobRecord> {
  const { tenantId, source } = params;
  const system = isSystemActor(params.actor) ? params.actor : undefined;
  const actor = system ? undefined : await actorOf(deps, params.actor as Caller | Actor);
  // Directory misses are read through to accounts on behalf of the caller (system work has no caller).
  const via = actor ? (params.actor as Caller) : undefined;
  const store = new JobsStore(tx);

  if (params.idempotencyKey) {
    const earlier = await store.byIdempotencyKey(tenantId, params.idempotencyKey);
    if (earlier) return actor ? loadJobForCaller(tx, actor, earlier.id, 'read') : earlier;
  }

  const settings = await deps.directory.settings(tenantId, via);
  if (actor && actor.role !== 'admin' && settings.jobCreationBlockedRoles.includes(actor.role)) {
    throw new JobCreationBlocked(actor.role);
  }
  const patch = parseJobInput(params.input);
  if (actor) {
    const allowed = fieldsAllowedOnCreate(actor.role);
    if (allowed) checkFieldsAllowed(patch, allowed, `a ${actor.role}`);
    if (!isDispatcher(actor.role)) {
      const given = DISPATCH_FIELDS.filter((f) => patch[f] !== undefined && patch[f] !== null);
      if (given.length > 0) checkFieldsAllowed({ [given[0]]: patch[given[0]] }, [], `a ${actor.role}`);
    }
    // Clients and guests ask for their own customer, whether they name it or not.
    if ((actor.role === 'client' || actor.role === 'guest') && !patch.customerId) patch.customerId = actor.customerId;
  }
  const customer = patch.customerId ? await customerFor(deps, tenantId, patch.customerId, actor, via) : undefined;
  const refs = await jobRefs(tx, {
    tenantId,
    settings,
    customer,
    typeId: patch.typeId ?? undefined,
    typeNewlyChosen: true,
  });
  await checkPeople(deps, tenantId, { customerId: customer?.id }, { ...patch }, via);
  if (patch.relatedJobIds) await checkRelatedJobs(tx, tenantId, undefined, patch.relatedJobIds);

  const now = deps.clock();
  const id = newId('job');
  // Validate everything before taking a number: the counter row lock is held until commit.
  const draft = newJob(patch, refs, { id, tenantId, seq: 0, number: '', now, createdBy: '', source });
  await checkSchedule(tx, draft, draft.assigneeIds, false);

  const seq = await store.nextSeq(tenantId);
  const number = formatJobNumber(settings.taskNumberFormat, {
    customerCode: customer?.code,
    n: seq,
    at: now,
    timeZone: settings.timezone,
  });
  const by = system ? actorId(system) : (actor as Actor).userId;
  const job = { ...draft, seq, number, createdBy: by, requesterId: system ? params.requesterId : by };
  await store.insert(job, params.idempotencyKey);
  await appendHistory(tx, { tenantId, jobId: id, actorId: by, kind: 'created', toStatus: job.status, at: now });
  await deps.outbox.add(tx, jobChanged('job_created', job, { actorId: by, addedUserIds: job.assigneeIds }));
  if (job.assigneeIds.length > 0) {
    await deps.outbox.add(tx, jobChanged('job_assigned', job, { actorId: by, addedUserIds: job.assigneeIds }));
  }
  return job;
}
