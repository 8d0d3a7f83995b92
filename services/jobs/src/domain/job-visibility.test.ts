import { describe, expect, it } from '@jest/globals';
import type { Role } from './directory.js';
import {
  canAddParticipants,
  canEditJob,
  canSeeJob,
  type JobRelation,
  seesRestrictedView,
  type Viewer,
} from './job-visibility.js';

const ME = 'usr_me';
const CUSTOMER = 'cus_mine';

function jobWith(relation: JobRelation | 'none', customerId: string | undefined) {
  return {
    customerId,
    assigneeIds: relation === 'assignee' ? [ME] : ['usr_other'],
    participantIds: relation === 'participant' ? [ME] : [],
    notifyIds: relation === 'notify' ? [ME] : [],
    requesterId: relation === 'requester' ? ME : 'usr_dispatcher',
  };
}

function viewer(role: Role, assigned: boolean): Viewer {
  return {
    role,
    userId: ME,
    customerId: role === 'client' || role === 'guest' ? CUSTOMER : undefined,
    assignedCustomerIds: role === 'coworker' && assigned ? [CUSTOMER] : [],
  };
}

type Row = [Role, JobRelation | 'none', 'own customer' | 'other customer' | 'no customer', boolean, boolean];

// role × relation × customer → [sees, edits]. "own customer" = assigned (coworker) / theirs (client, guest).
const table: Row[] = [];
for (const role of ['admin', 'dispatcher'] as Role[]) {
  for (const rel of ['none', 'assignee', 'participant', 'notify', 'requester'] as const) {
    for (const c of ['own customer', 'other customer', 'no customer'] as const) table.push([role, rel, c, true, true]);
  }
}
for (const c of ['own customer', 'other customer', 'no customer'] as const) {
  table.push(['coworker', 'none', c, false, false]);
  table.push(['coworker', 'assignee', c, true, true]);
  table.push(['coworker', 'participant', c, true, true]);
  table.push(['coworker', 'notify', c, c !== 'other customer', false]);
  table.push(['coworker', 'requester', c, c !== 'other customer', false]);
}
for (const rel of ['none', 'assignee', 'participant', 'notify', 'requester'] as const) {
  table.push(['client', rel, 'own customer', true, false]);
  table.push(['client', rel, 'other customer', rel === 'requester', false]);
  table.push(['client', rel, 'no customer', rel === 'requester', false]);
  table.push(['guest', rel, 'own customer', rel !== 'none', false]);
  table.push(['guest', rel, 'other customer', false, false]);
  table.push(['guest', rel, 'no customer', false, false]);
}

describe('job visibility', () => {
  it.each(table)('a %s (%s, %s) sees: %s, edits: %s', (role, relation, customer, sees, edits) => {
    const customerId = customer === 'own customer' ? CUSTOMER : customer === 'other customer' ? 'cus_other' : undefined;
    const job = jobWith(relation, customerId);
    const v = viewer(role, true);

    expect(canSeeJob(v, job)).toBe(sees);
    expect(canSeeJob(v, job) && canEditJob(v, job)).toBe(edits);
  });

  it('restricts the view of clients and guests only', () => {
    expect(
      ['admin', 'dispatcher', 'coworker', 'client', 'guest'].map((r) => seesRestrictedView({ role: r as Role })),
    ).toEqual([false, false, false, true, true]);
  });

  it('lets anyone on the job add participants, and nobody who is not on it', () => {
    expect(canAddParticipants(viewer('coworker', true), jobWith('notify', CUSTOMER))).toBe(true);
    expect(canAddParticipants(viewer('coworker', true), jobWith('none', CUSTOMER))).toBe(false);
    expect(canAddParticipants(viewer('guest', true), jobWith('participant', CUSTOMER))).toBe(true);
    expect(canAddParticipants(viewer('client', true), jobWith('none', CUSTOMER))).toBe(true);
    expect(canAddParticipants(viewer('dispatcher', true), jobWith('none', undefined))).toBe(true);
  });
});
