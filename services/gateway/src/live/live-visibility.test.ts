// Unit tests of the live feed's visibility filter: who receives which position and which job, and in which view.
import type { Role } from '@fieldline/auth';
import type { jobs } from '@fieldline/proto';
import { describe, expect, it } from '@jest/globals';
import { toJobView } from '../views/job.view.js';
import {
  maySeeJob,
  maySeePosition,
  restrictJob,
  seesPositions,
  seesRestrictedJob,
  type Viewer,
} from './live-visibility.js';

const viewer = (role: Role, extra: Partial<Viewer> = {}): Viewer => ({
  role,
  userId: 'usr_me',
  customerId: role === 'client' || role === 'guest' ? 'cus_mine' : undefined,
  assignedCustomerIds: [],
  ...extra,
});
const job = (members: Partial<jobs.Job> = {}) =>
  ({
    assigneeIds: [],
    participantIds: [],
    notifyIds: [],
    requesterId: '',
    customerId: '',
    ...members,
  }) as jobs.Job;

describe('positions on the live feed', () => {
  it.each<[Role, boolean, boolean]>([
    ['admin', true, true],
    ['dispatcher', true, true],
    ['coworker', true, false],
    ['client', false, false],
    ['guest', false, false],
  ])('%s: own position %s, another worker %s', (role, own, other) => {
    expect(maySeePosition(viewer(role), 'usr_me')).toBe(own);
    expect(maySeePosition(viewer(role), 'usr_other')).toBe(other);
    expect(seesPositions(viewer(role))).toBe(own);
  });
});

describe('jobs on the live feed', () => {
  it('shows dispatch every job of the tenant', () => {
    expect(maySeeJob(viewer('admin'), job())).toBe(true);
    expect(maySeeJob(viewer('dispatcher'), job({ customerId: 'cus_x' }))).toBe(true);
  });

  it('shows a co-worker the jobs they are assignee or participant of, whatever the customer', () => {
    const me = viewer('coworker');

    expect(maySeeJob(me, job({ assigneeIds: ['usr_me'], customerId: 'cus_x' }))).toBe(true);
    expect(maySeeJob(me, job({ participantIds: ['usr_me'], customerId: 'cus_x' }))).toBe(true);
    expect(maySeeJob(me, job({ assigneeIds: ['usr_other'] }))).toBe(false);
    expect(maySeeJob(me, job())).toBe(false);
  });

  it('shows a notify-only or requesting co-worker the job only without a customer or with one assigned to them', () => {
    const me = viewer('coworker', { assignedCustomerIds: ['cus_a'] });

    expect(maySeeJob(me, job({ notifyIds: ['usr_me'] }))).toBe(true);
    expect(maySeeJob(me, job({ notifyIds: ['usr_me'], customerId: 'cus_a' }))).toBe(true);
    expect(maySeeJob(me, job({ notifyIds: ['usr_me'], customerId: 'cus_b' }))).toBe(false);
    expect(maySeeJob(me, job({ requesterId: 'usr_me', customerId: 'cus_a' }))).toBe(true);
    expect(maySeeJob(me, job({ requesterId: 'usr_me', customerId: 'cus_b' }))).toBe(false);
  });

  it('shows a client every job of their customer and the jobs they requested', () => {
    const me = viewer('client');

    expect(maySeeJob(me, job({ customerId: 'cus_mine' }))).toBe(true);
    expect(maySeeJob(me, job({ requesterId: 'usr_me', customerId: 'cus_other' }))).toBe(true);
    expect(maySeeJob(me, job({ customerId: 'cus_other', participantIds: ['usr_me'] }))).toBe(false);
    expect(maySeeJob(me, job())).toBe(false);
  });

  it('shows a guest only the jobs of their customer they are on', () => {
    const me = viewer('guest');

    expect(maySeeJob(me, job({ customerId: 'cus_mine', participantIds: ['usr_me'] }))).toBe(true);
    expect(maySeeJob(me, job({ customerId: 'cus_mine', notifyIds: ['usr_me'] }))).toBe(true);
    expect(maySeeJob(me, job({ customerId: 'cus_mine' }))).toBe(false);
    expect(maySeeJob(me, job({ customerId: 'cus_other', participantIds: ['usr_me'] }))).toBe(false);
  });

  it('never matches an empty requester to a user, nor a missing customer to a client without one', () => {
    expect(maySeeJob(viewer('client', { customerId: undefined }), job())).toBe(false);
    expect(maySeeJob(viewer('client', { userId: '' }), job({ customerId: 'cus_x' }))).toBe(false);
  });

  it('gives clients and guests the restricted view: no prices, hours, billing, custom fields or notify list', () => {
    const full = {
      id: 'job_1',
      price: { amount: 100, currency: 'EUR' },
      expenses: { amount: 5, currency: 'EUR' },
      estimatedHours: 3,
      billableHours: 2,
      billable: true,
      billed: true,
      quantity: 4,
      mileage: 12,
      customFields: { serial: 'X' },
      scheduleConflict: true,
      notifyIds: ['usr_n'],
      assigneeIds: ['usr_a'],
      restrictedView: false,
      contact: undefined,
      site: undefined,
      delayCauses: [],
      participantIds: [],
      tags: [],
      relatedJobIds: [],
    } as unknown as jobs.Job;

    const view = toJobView(restrictJob(full));

    expect(view).toMatchObject({
      price: null,
      expenses: null,
      estimatedHours: null,
      billableHours: null,
      billable: null,
      billed: null,
      quantity: null,
      mileage: null,
      customFields: null,
      scheduleConflict: false,
      notifyIds: [],
      assigneeIds: ['usr_a'],
    });
    expect(seesRestrictedJob(viewer('client'))).toBe(true);
    expect(seesRestrictedJob(viewer('guest'))).toBe(true);
    expect(seesRestrictedJob(viewer('coworker'))).toBe(false);
  });
});
