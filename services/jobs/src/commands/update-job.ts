// UpdateJob: a PATCH at a known version. Who may change which fields, the checks of every field and
// reference, assignees through the assignment rule (status and schedule conflicts), history and events.
import { type Caller, InvalidArgument, PermissionDenied } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { Actor } from '../domain/actor.js';
import { assignWorkers } from '../domain/assignment.js';
import { isDispatcher } from '../domain/directory.js';
import { StaleVersion } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import {
  COWORKER_FIELDS,
  checkFieldsAllowed,
  type JobInputFields,
  parseJobInput,
  patchJob,
} from '../domain/job-input.js';
import { canEditJob } from '../domain/job-visibility.js';
import type { JobsDeps } from '../grpc/deps.js';
import { type JobRecord, loadJobForCaller } from '../store/job-access.js';
import { ProposalsStore } from '../store/proposals.store.js';
import type { JobsDb } from '../store/schema.js';
import { commitJobChange, withStatusEvent } from './job-change.js';
import { checkPeople, checkRelatedJobs, checkSchedule, customerFor, jobRefs } from './job-refs.js';

export function requiredVersion(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgument(
      'version',
      'version is required: the version of the job you read (optimistic concurrency)',
    );
  }
  return value;
}

export async function updateJob(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'directory' | 'outbox' | 'clock'>,
  actor: Actor,
  via: Caller,
  req: { jobId: string; input: JobInputFields; version: number },
): Promise<JobRecord> {
  const version = requiredVersion(req.version);
  const patch = parseJobInput(req.input);
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  if (!canEditJob(actor, current)) throw new PermissionDenied(`a ${actor.role} cannot change this job`);
  if (!isDispatcher(actor.role)) checkFieldsAllowed(patch, COWORKER_FIELDS, `a ${actor.role}`);
  if (current.version !== version) throw new StaleVersion(current.version);

  const { tenantId } = actor;
  const settings = await deps.directory.settings(tenantId, via);
  const customerId = patch.customerId === undefined ? current.customerId : (patch.customerId ?? undefined);
  const customer = customerId
    ? await customerFor(deps, tenantId, customerId, patch.customerId !== undefined ? actor : undefined, via)
    : undefined;
  const typeId = patch.typeId === undefined ? current.typeId : (patch.typeId ?? undefined);
  const refs = await jobRefs(tx, {
    tenantId,
    settings,
    customer,
    typeId,
    typeNewlyChosen: patch.typeId !== undefined && typeId !== current.typeId,
  });
  await checkPeople(
    deps,
    tenantId,
    { customerId },
    { assigneeIds: patch.assigneeIds, notifyIds: patch.notifyIds, regardingUserId: patch.regardingUserId },
    via,
  );
  if (patch.relatedJobIds) await checkRelatedJobs(tx, tenantId, current.id, patch.relatedJobIds);

  let next: Job = patchJob(current, patch, refs);
  let added: string[] = [];
  let removed: string[] = [];
  if (patch.assigneeIds !== undefined) {
    ({ next, added, removed } = assignWorkers(next, patch.assigneeIds));
    if (removed.length > 0) await new ProposalsStore(tx).supersedeOpen(tenantId, current.id);
  }
  const windowMoved =
    next.scheduledStart?.getTime() !== current.scheduledStart?.getTime() ||
    next.scheduledEnd?.getTime() !== current.scheduledEnd?.getTime();
  if (windowMoved || added.length > 0) {
    // A moved window is checked for everyone on the job; otherwise only the newcomers.
    const conflicts = await checkSchedule(tx, next, windowMoved ? next.assigneeIds : added, false);
    next.scheduleConflict = conflicts.length > 0 || (!windowMoved && current.scheduleConflict);
  }
  const assigned = added.length > 0 || removed.length > 0;
  return commitJobChange(
    tx,
    deps,
    current,
    next,
    withStatusEvent(current.status, next.status, {
      actorId: actor.userId,
      history: 'updated',
      event: 'job_updated',
      alsoEvents: assigned ? ['job_assigned'] : [],
      addedUserIds: added,
      removedUserIds: removed,
    }),
  );
}
