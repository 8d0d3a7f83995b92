// AddParticipants: anyone on a job brings people in; they then see the job and its whole history.
// Clients and guests may only bring in people of their own customer.
import { type Caller, InvalidArgument, PermissionDenied } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { Actor } from '../domain/actor.js';
import { CUSTOMER_ROLES } from '../domain/directory.js';
import type { Job } from '../domain/job.js';
import { idList } from '../domain/job-input.js';
import { canAddParticipants } from '../domain/job-visibility.js';
import type { JobsDeps } from '../grpc/deps.js';
import { loadJobForCaller } from '../store/job-access.js';
import type { JobsDb } from '../store/schema.js';
import { commitJobChange } from './job-change.js';
import { checkPeople } from './job-refs.js';

const MAX_PARTICIPANTS = 100;

export async function addParticipants(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'directory' | 'outbox' | 'clock'>,
  actor: Actor,
  via: Caller,
  req: { jobId: string; userIds: string[] },
): Promise<Job> {
  const userIds = idList('userIds', req.userIds, 50);
  if (userIds.length === 0) throw new InvalidArgument('userIds', 'userIds needs at least one user');
  const current = await loadJobForCaller(tx, actor, req.jobId, 'update');
  if (!canAddParticipants(actor, current)) {
    throw new PermissionDenied('only people on the job (or dispatch) can add participants');
  }
  await checkPeople(deps, actor.tenantId, current, { participantIds: userIds }, via, { participantIds: 'userIds' });
  if (CUSTOMER_ROLES.includes(actor.role)) {
    const users = await deps.directory.users(actor.tenantId, userIds, via);
    userIds.forEach((id, i) => {
      if (!CUSTOMER_ROLES.includes(users.get(id)?.role ?? 'admin')) {
        throw new InvalidArgument(`userIds[${i}]`, `a ${actor.role} can only add people of its own customer`);
      }
    });
  }
  const added = userIds.filter((u) => !current.participantIds.includes(u));
  const participantIds = [...current.participantIds, ...added];
  if (participantIds.length > MAX_PARTICIPANTS) {
    throw new InvalidArgument('userIds', `a job can have at most ${MAX_PARTICIPANTS} participants`);
  }
  if (added.length === 0) return current;
  return commitJobChange(
    tx,
    deps,
    current,
    { ...current, participantIds },
    { actorId: actor.userId, history: 'participants_added', event: 'participants_changed', addedUserIds: added },
  );
}
