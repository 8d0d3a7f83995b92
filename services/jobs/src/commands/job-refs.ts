// What a job points at, looked up and checked before a save: the tenant's settings, the customer (visible to
// the actor), the job type, users (assignees active staff, notify people of the tenant) and related jobs.
import { type Caller, InvalidArgument } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { Actor } from '../domain/actor.js';
import { validateCustomFields } from '../domain/custom-fields.js';
import { type DirCustomer, type DirSettings, STAFF_ROLES } from '../domain/directory.js';
import { ScheduleConflictError } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import type { JobRefs } from '../domain/job-input.js';
import type { ScheduleConflict } from '../domain/job-schedule.js';
import { conflictsOf, describeConflicts } from '../domain/job-schedule.js';
import type { JobsDeps } from '../grpc/deps.js';
import { JobTypesStore } from '../store/job-types.store.js';
import { JobsStore } from '../store/jobs.store.js';
import type { JobsDb } from '../store/schema.js';

const noSuch = (field: string, what: string, code: string) => new InvalidArgument(field, `no such ${what}`, code);

/**
 * The customer `customerId` when the actor may put a job on it: staff any of the tenant, coworkers their
 * assigned ones, clients and guests only their own. Anything else reads as "no such customer".
 */
export async function customerFor(
  deps: Pick<JobsDeps, 'directory'>,
  tenantId: string,
  customerId: string,
  actor: Actor | undefined,
  via: Caller | undefined,
): Promise<DirCustomer> {
  const customer = await deps.directory.customer(tenantId, customerId, via);
  const visible =
    customer !== undefined &&
    (actor === undefined ||
      actor.role === 'admin' ||
      actor.role === 'dispatcher' ||
      (actor.role === 'coworker' && customer.coworkerIds.includes(actor.userId)) ||
      ((actor.role === 'client' || actor.role === 'guest') && actor.customerId === customer.id));
  if (!visible || !customer) throw noSuch('customerId', 'customer', 'CUSTOMER_NOT_FOUND');
  return customer;
}

/** The refs for the domain's newJob/patchJob: settings, customer and the type's field check. */
export async function jobRefs(
  tx: Kysely<JobsDb>,
  args: {
    tenantId: string;
    settings: DirSettings;
    customer?: DirCustomer;
    typeId?: string;
    /** A type must be active to be newly chosen; a job keeps an inactive type it already has. */
    typeNewlyChosen: boolean;
  },
): Promise<JobRefs> {
  const refs: JobRefs = { settings: args.settings, customer: args.customer };
  if (args.typeId) {
    const type = await new JobTypesStore(tx).get(args.tenantId, args.typeId);
    if (!type) throw noSuch('typeId', 'job type', 'JOB_TYPE_NOT_FOUND');
    if (!type.active && args.typeNewlyChosen) throw new InvalidArgument('typeId', 'this job type is no longer in use');
    refs.validateCustomFields = (values) => validateCustomFields(type.fields, values);
  }
  return refs;
}

/** Checks the people a job names: assignees are active staff, the others active users of the tenant. */
export async function checkPeople(
  deps: Pick<JobsDeps, 'directory'>,
  tenantId: string,
  job: Pick<Job, 'customerId'>,
  people: { assigneeIds?: string[]; notifyIds?: string[]; participantIds?: string[]; regardingUserId?: string | null },
  via: Caller | undefined,
  fields: { participantIds?: string; assigneeIds?: string } = {},
): Promise<void> {
  const ids = [
    ...(people.assigneeIds ?? []),
    ...(people.notifyIds ?? []),
    ...(people.participantIds ?? []),
    ...(people.regardingUserId ? [people.regardingUserId] : []),
  ];
  if (ids.length === 0) return;
  const users = await deps.directory.users(tenantId, ids, via);
  const check = (field: string, list: readonly string[] | undefined, staffOnly: boolean) => {
    (list ?? []).forEach((id, i) => {
      const u = users.get(id);
      const at = `${field}[${i}]`;
      if (!u?.active) throw new InvalidArgument(at, `${id} is not an active user of this tenant`, 'USER_NOT_FOUND');
      if (staffOnly && !STAFF_ROLES.includes(u.role)) {
        throw new InvalidArgument(at, `${id} is not staff (admin, dispatcher or coworker) and cannot be assigned`);
      }
      // A client or guest of another customer must not be let into this job (and its customer's data).
      if (!STAFF_ROLES.includes(u.role) && u.customerId !== job.customerId) {
        throw new InvalidArgument(at, `${id} belongs to another customer than this job's`);
      }
    });
  };
  check(fields.assigneeIds ?? 'assigneeIds', people.assigneeIds, true);
  check('notifyIds', people.notifyIds, false);
  check(fields.participantIds ?? 'participantIds', people.participantIds, false);
  if (people.regardingUserId && !users.get(people.regardingUserId)) {
    throw noSuch('regardingUserId', 'user', 'USER_NOT_FOUND');
  }
}

export async function checkRelatedJobs(
  tx: Kysely<JobsDb>,
  tenantId: string,
  selfId: string | undefined,
  ids: string[],
) {
  const found = await new JobsStore(tx).existingIds(tenantId, ids);
  ids.forEach((id, i) => {
    if (id === selfId) throw new InvalidArgument(`relatedJobIds[${i}]`, 'a job cannot be related to itself');
    if (!found.has(id)) throw new InvalidArgument(`relatedJobIds[${i}]`, 'no such job', 'JOB_NOT_FOUND');
  });
}

/**
 * The overlaps of `workerIds` in the job's window with their other open jobs. Locks the workers' schedules
 * for the transaction first. Without `force` an overlap is refused naming the conflicting job.
 */
export async function checkSchedule(
  tx: Kysely<JobsDb>,
  job: Pick<Job, 'id' | 'tenantId' | 'scheduledStart' | 'scheduledEnd'>,
  workerIds: readonly string[],
  force: boolean,
): Promise<ScheduleConflict[]> {
  if (!job.scheduledStart || !job.scheduledEnd || workerIds.length === 0) return [];
  const store = new JobsStore(tx);
  await store.lockWorkers(job.tenantId, workerIds);
  const window = { start: job.scheduledStart, end: job.scheduledEnd };
  const others = await store.overlapping(job.tenantId, workerIds, window.start, window.end, job.id);
  const conflicts = conflictsOf(workerIds, window, others);
  if (conflicts.length > 0 && !force) throw new ScheduleConflictError(describeConflicts(conflicts));
  return conflicts;
}
