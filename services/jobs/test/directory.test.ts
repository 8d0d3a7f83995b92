// The local directory: accounts events keep it current (newest version wins), misses read through to
// accounts, and job types are the admins' to define.

import { accounts, accountsEvents, jobs } from '@fieldline/proto';
import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyAccountsEvent } from '../src/events/directory-consumer.js';
import { failure, type Harness, input, startHarness, Tenant } from './harness.js';

let h: Harness;
let t: Tenant;

beforeAll(async () => {
  h = await startHarness('directory');
  t = await Tenant.create(h);
});
afterAll(async () => {
  await h?.stop();
});

describe('directory', () => {
  it('learns a renamed customer and its new coworkers from accounts events', async () => {
    const worker = await t.user('coworker');
    const customer = await t.customer('EVT');
    const { directory } = h.service.deps;

    await h.accounts.customers.updateCustomer(
      accounts.UpdateCustomerRequest.fromPartial({ id: customer.id, name: 'Renamed' }),
      {
        caller: t.admin,
      },
    );
    await t.assign(customer.id, [worker]);

    const local = await waitFor(async () => {
      const c = await directory.customer(t.id, customer.id);
      return c?.name === 'Renamed' && c.coworkerIds.includes(worker.userId) ? c : undefined;
    });
    expect(local.version).toBeGreaterThanOrEqual(3);
  });

  it('keeps the newest version when an older event arrives late', async () => {
    const user = await t.user('coworker', { name: 'Newest Name' });
    const { directory, db } = h.service.deps;
    const current = await directory.user(t.id, user.userId, user);
    const stale = accounts.User.fromPartial({
      id: user.userId,
      tenantId: t.id,
      name: 'Old Name',
      role: 'coworker',
      active: false,
      version: 0,
    });

    await db.transaction().execute((tx) =>
      applyAccountsEvent(
        tx,
        {
          id: 'evt_x',
          type: 'user_updated',
          tenantId: t.id,
          occurredAt: new Date(),
          producer: 'accounts',
          traceContext: {},
          payloadType: '',
          payload: Buffer.alloc(0),
        },
        accountsEvents.UserChanged.encode({ user: stale }).finish(),
        new Date(),
      ),
    );

    expect(await directory.user(t.id, user.userId)).toMatchObject({
      name: 'Newest Name',
      active: true,
      version: current?.version,
    });
  });

  it('ignores an event whose payload names another tenant', async () => {
    const other = await Tenant.create(h);
    const { db, directory } = h.service.deps;
    const forged = accounts.Customer.fromPartial({
      id: 'cus_forged',
      tenantId: other.id,
      code: 'F',
      name: 'F',
      version: 1,
      active: true,
    });

    await db.transaction().execute((tx) =>
      applyAccountsEvent(
        tx,
        {
          id: 'evt_y',
          type: 'customer_created',
          tenantId: t.id,
          occurredAt: new Date(),
          producer: 'accounts',
          traceContext: {},
          payloadType: '',
          payload: Buffer.alloc(0),
        },
        accountsEvents.CustomerChanged.encode({ customer: forged }).finish(),
        new Date(),
      ),
    );

    expect(await directory.customer(t.id, 'cus_forged')).toBeUndefined();
  });

  it('reads a user created a moment ago through from accounts', async () => {
    const fresh = await t.user('coworker');

    const job = await h.api.jobs.createJob(
      { job: input({ title: 'x' }), source: '', idempotencyKey: '' },
      { caller: fresh },
    );

    expect(job.createdBy).toBe(fresh.userId);
  });
});

describe('job types', () => {
  it('lets admins define and change them, and staff list them', async () => {
    const dispatcher = await t.user('dispatcher');
    const type = await h.api.jobTypes.createJobType(
      {
        name: 'Inspection',
        description: 'yearly',
        fields: [{ key: 'floors', label: 'Floors', type: 'number', required: true, options: [], min: 1 }],
      },
      { caller: t.admin },
    );

    const updated = await h.api.jobTypes.updateJobType(
      jobs.UpdateJobTypeRequest.fromPartial({ id: type.id, name: 'Safety inspection', active: false }),
      { caller: t.admin },
    );

    expect(updated).toMatchObject({ name: 'Safety inspection', active: false, version: 2 });
    expect((await h.api.jobTypes.listJobTypes({}, { caller: dispatcher })).jobTypes.map((x) => x.id)).toContain(
      type.id,
    );
    expect(
      await failure(
        h.api.jobTypes.createJobType({ name: 'Mine', description: '', fields: [] }, { caller: dispatcher }),
      ),
    ).toMatchObject({
      kind: 'permission_denied',
    });
    expect(
      await failure(
        h.api.jobs.createJob(
          { job: input({ title: 'x', typeId: type.id }), source: '', idempotencyKey: '' },
          { caller: t.admin },
        ),
      ),
    ).toMatchObject({ field: 'typeId' });
  });

  it.each([
    ['no name', { name: '' }, 'name'],
    [
      'a bad field key',
      { name: 'A', fields: [{ key: '9x', label: '', type: 'text', required: false, options: [] }] },
      'fields[0].key',
    ],
    [
      'an unknown field type',
      { name: 'B', fields: [{ key: 'x', label: '', type: 'colour', required: false, options: [] }] },
      'fields[0].type',
    ],
    [
      'an enum without options',
      { name: 'C', fields: [{ key: 'x', label: '', type: 'enum', required: false, options: [] }] },
      'fields[0].options',
    ],
  ])('refuses a job type with %s', async (_what, req, field) => {
    expect(
      await failure(h.api.jobTypes.createJobType(jobs.CreateJobTypeRequest.fromPartial(req), { caller: t.admin })),
    ).toMatchObject({
      kind: 'invalid_argument',
      field,
    });
  });

  it('refuses two types with one name', async () => {
    await h.api.jobTypes.createJobType({ name: 'Twice', description: '', fields: [] }, { caller: t.admin });

    expect(
      await failure(h.api.jobTypes.createJobType({ name: 'twice', description: '', fields: [] }, { caller: t.admin })),
    ).toMatchObject({
      kind: 'conflict',
      code: 'JOB_TYPE_NAME_TAKEN',
    });
  });
});

describe('bad input on the other RPCs', () => {
  it.each([
    ['GetJob without an id', () => h.api.jobs.getJob({ id: '' }, { caller: t.admin }), 'id'],
    ['GetJob with a huge id', () => h.api.jobs.getJob({ id: 'x'.repeat(500) }, { caller: t.admin }), 'id'],
    ['AcceptJob without an id', () => h.api.jobs.acceptJob({ id: '' }, { caller: t.admin }), 'id'],
    [
      'AcceptProposal without a proposal',
      () => h.api.jobs.acceptProposal({ jobId: 'job_1', proposalId: '' }, { caller: t.admin }),
      'proposalId',
    ],
    [
      'TransitionJob to nowhere',
      () => h.api.jobs.transitionJob({ id: 'job_1', to: '', reason: '' }, { caller: t.admin }),
      'to',
    ],
    [
      'TransitionJob with a novel as reason',
      () => h.api.jobs.transitionJob({ id: 'job_1', to: 'cancelled', reason: 'x'.repeat(1001) }, { caller: t.admin }),
      'reason',
    ],
    ['GetJobHistory without an id', () => h.api.jobs.getJobHistory({ id: ' ' }, { caller: t.admin }), 'id'],
    [
      'GetWorkerSchedule without from',
      () =>
        h.api.jobs.getWorkerSchedule(
          { workerId: t.admin.userId, from: undefined, to: new Date() },
          { caller: t.admin },
        ),
      'from',
    ],
    [
      'GetWorkerSchedule over two years',
      () =>
        h.api.jobs.getWorkerSchedule(
          { workerId: t.admin.userId, from: new Date('2030-01-01'), to: new Date('2032-01-01') },
          { caller: t.admin },
        ),
      'to',
    ],
    [
      'AutoAssignJob with half a window',
      () =>
        h.api.jobs.autoAssignJob(
          { id: 'job_1', scheduledStart: new Date(), scheduledEnd: undefined },
          { caller: t.admin },
        ),
      'scheduledEnd',
    ],
    [
      'CreateJob with a long idempotency key',
      () =>
        h.api.jobs.createJob(
          { job: input({ title: 'x' }), source: '', idempotencyKey: 'k'.repeat(201) },
          { caller: t.admin },
        ),
      'idempotencyKey',
    ],
  ])('%s → INVALID_ARGUMENT naming the field', async (_what, call, field) => {
    expect(await failure(call())).toMatchObject({ kind: 'invalid_argument', field });
  });

  it('refuses calls without a caller', async () => {
    expect(await failure(h.api.jobs.getJob({ id: 'job_1' }))).toMatchObject({ kind: 'unauthenticated' });
  });
});
