// Creating jobs through gRPC against the real accounts service: defaults, numbering under concurrency,
// job types and custom fields, categories, blocked roles, idempotency, bad input, the job_created event.

import { jobsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, HOUR, input, list, startHarness, Tenant } from './harness.js';

let h: Harness;
let t: Tenant;

beforeAll(async () => {
  h = await startHarness('create');
  t = await Tenant.create(h);
});
afterAll(async () => {
  await h?.stop();
});

describe('CreateJob', () => {
  it('creates a job with defaults and publishes job_created', async () => {
    const job = await h.api.jobs.createJob(
      { job: input({ title: 'Fix the boiler' }), source: '', idempotencyKey: '' },
      { caller: t.admin },
    );

    expect(job).toMatchObject({
      title: 'Fix the boiler',
      status: 'not_started',
      priority: 'normal',
      source: 'dashboard',
      requesterId: t.admin.userId,
      createdBy: t.admin.userId,
      version: 1,
      restrictedView: false,
    });
    expect(job.number).toMatch(/^JOB-TASK-\d+$/);
    const event = await h.events.next('job_created', jobsEvents.JobChanged, (e) => e.job?.id === job.id);
    expect(event).toMatchObject({ actorId: t.admin.userId, job: { number: job.number } });
  });

  it('finds a customer created a moment ago, numbers with its code and is due after its SLA', async () => {
    const customer = await t.customer('ACME', { slaHours: 48 });
    const startAt = new Date('2030-01-01T08:00:00Z');

    const job = await h.api.jobs.createJob(
      { job: input({ title: 'Install', customerId: customer.id, startAt }), source: 'api', idempotencyKey: '' },
      { caller: t.admin },
    );

    expect(job.number).toMatch(/^ACME-TASK-\d+$/);
    expect(job.dueAt).toEqual(new Date(startAt.getTime() + 48 * HOUR));
    expect(job.source).toBe('api');
  });

  it('gives 50 parallel creates the numbers 1..50 of a fresh tenant, without gaps or duplicates', async () => {
    const fresh = await Tenant.create(h);

    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.api.jobs.createJob(
          { job: input({ title: `Job ${i}` }), source: '', idempotencyKey: '' },
          { caller: fresh.admin },
        ),
      ),
    );

    const numbers = created.map((j) => Number(j.number.replace('JOB-TASK-', ''))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('follows the tenant number format', async () => {
    const fresh = await Tenant.create(h);
    await fresh.settings({ taskNumberFormat: '{yyyy}-{code}-{n}' });

    const job = await h.api.jobs.createJob(
      { job: input({ title: 'x' }), source: '', idempotencyKey: '' },
      { caller: fresh.admin },
    );

    expect(job.number).toBe(`${new Date().getUTCFullYear()}-JOB-1`);
  });

  it('returns the first job when a create is retried with the same idempotency key', async () => {
    const req = { job: input({ title: 'Once' }), source: '', idempotencyKey: 'req-42' };

    const [a, b] = await Promise.all([
      h.api.jobs.createJob(req, { caller: t.admin }),
      h.api.jobs.createJob(req, { caller: t.admin }),
    ]);
    const c = await h.api.jobs.createJob(req, { caller: t.admin });

    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
  });

  it('validates custom fields against the job type, naming the field', async () => {
    const type = await h.api.jobTypes.createJobType(
      {
        name: 'Boiler service',
        description: '',
        fields: [
          { key: 'serial', label: 'Serial', type: 'text', required: true, options: [], maxLength: 10 },
          { key: 'floors', label: 'Floors', type: 'number', required: false, options: [], min: 1, max: 5 },
          { key: 'brand', label: 'Brand', type: 'enum', required: false, options: ['Bosch', 'Vaillant'] },
        ],
      },
      { caller: t.admin },
    );
    const create = (customFields: Record<string, unknown>) =>
      h.api.jobs.createJob(
        { job: input({ title: 'x', typeId: type.id, customFields }), source: '', idempotencyKey: '' },
        { caller: t.admin },
      );

    const ok = await create({ serial: 'SN-1', floors: 2, brand: 'Bosch' });

    expect(ok.customFields).toEqual({ serial: 'SN-1', floors: 2, brand: 'Bosch' });
    expect(await failure(create({ floors: 2 }))).toMatchObject({
      kind: 'invalid_argument',
      field: 'customFields.serial',
    });
    expect(await failure(create({ serial: 'SN', floors: 9 }))).toMatchObject({ field: 'customFields.floors' });
    expect(await failure(create({ serial: 'SN', brand: 'Acme' }))).toMatchObject({ field: 'customFields.brand' });
    expect(await failure(create({ serial: 'SN', colour: 'red' }))).toMatchObject({ field: 'customFields.colour' });
  });

  it("takes only the tenant's categories", async () => {
    const ok = await h.api.jobs.createJob(
      { job: input({ title: 'x', category: 'maintenance' }), source: '', idempotencyKey: '' },
      { caller: t.admin },
    );

    expect(ok.category).toBe('Maintenance');
    expect(
      await failure(
        h.api.jobs.createJob(
          { job: input({ title: 'x', category: 'Gardening' }), source: '', idempotencyKey: '' },
          { caller: t.admin },
        ),
      ),
    ).toMatchObject({ kind: 'invalid_argument', field: 'category' });
  });

  it('refuses roles the tenant blocked from creating jobs', async () => {
    const fresh = await Tenant.create(h);
    const dispatcher = await fresh.user('dispatcher');
    await fresh.settings({ jobCreationBlockedRoles: { values: ['dispatcher'] } });

    const res = await failure(
      h.api.jobs.createJob({ job: input({ title: 'x' }), source: '', idempotencyKey: '' }, { caller: dispatcher }),
    );

    expect(res).toMatchObject({ kind: 'permission_denied', code: 'JOB_CREATION_BLOCKED' });
  });

  it('makes client requests for their own customer, in the portal, with a restricted view', async () => {
    const customer = await t.customer('CLI');
    const client = await t.user('client', { customerId: customer.id });

    const job = await h.api.jobs.createJob(
      { job: input({ title: 'Leak in the kitchen' }), source: '', idempotencyKey: '' },
      { caller: client },
    );

    expect(job).toMatchObject({
      customerId: customer.id,
      source: 'portal',
      requesterId: client.userId,
      restrictedView: true,
    });
    expect(
      await failure(
        h.api.jobs.createJob(
          { job: input({ title: 'x', price: { amount: 1, currency: 'USD' } }), source: '', idempotencyKey: '' },
          { caller: client },
        ),
      ),
    ).toMatchObject({ kind: 'permission_denied' });
    const other = await t.customer('OTH');
    expect(
      await failure(
        h.api.jobs.createJob(
          { job: input({ title: 'x', customerId: other.id }), source: '', idempotencyKey: '' },
          { caller: client },
        ),
      ),
    ).toMatchObject({ kind: 'invalid_argument', code: 'CUSTOMER_NOT_FOUND', field: 'customerId' });
  });

  it('refuses assignees who are not active staff of the tenant', async () => {
    const customer = await t.customer('ASG');
    const client = await t.user('client', { customerId: customer.id });
    const stranger = await (await Tenant.create(h)).user('coworker');

    for (const id of [client.userId, stranger.userId, 'usr_nobody']) {
      const res = await failure(
        h.api.jobs.createJob(
          { job: input({ title: 'x', assigneeIds: list([id]) }), source: '', idempotencyKey: '' },
          { caller: t.admin },
        ),
      );
      expect(res).toMatchObject({ kind: 'invalid_argument', field: 'assigneeIds[0]' });
    }
  });

  it.each([
    ['no title', {}, 'title'],
    ['due before start', { title: 'x', startAt: new Date('2030-01-02'), dueAt: new Date('2030-01-01') }, 'dueAt'],
    ['negative hours', { title: 'x', estimatedHours: -1 }, 'estimatedHours'],
    ['percent over 100', { title: 'x', percentComplete: 101 }, 'percentComplete'],
    ['an unknown priority', { title: 'x', priority: 'asap' }, 'priority'],
    [
      'an end before the start',
      { title: 'x', scheduledStart: new Date('2030-01-01T10:00:00Z'), scheduledEnd: new Date('2030-01-01T09:00:00Z') },
      'scheduledEnd',
    ],
    ['negative money', { title: 'x', price: { amount: -100, currency: 'USD' } }, 'price.amount'],
    ['a bad currency', { title: 'x', price: { amount: 100, currency: 'dollars' } }, 'price.currency'],
    ['an unknown job type', { title: 'x', typeId: 'jty_nope' }, 'typeId'],
    ['an unknown related job', { title: 'x', relatedJobIds: list(['job_nope']) }, 'relatedJobIds[0]'],
    ['an unknown customer', { title: 'x', customerId: 'cus_nope' }, 'customerId'],
  ])('refuses %s, naming the field and writing nothing', async (_what, fields, field) => {
    const before = await h.api.jobs.listJobs(
      {
        page: { limit: 200, cursor: '' },
        statuses: [],
        assigneeId: '',
        customerId: '',
        category: '',
        priority: '',
        delayed: '',
        q: '',
        sort: '',
        dueBefore: undefined,
        dueAfter: undefined,
        tag: '',
      },
      { caller: t.admin },
    );

    const res = await failure(
      h.api.jobs.createJob({ job: input(fields as never), source: '', idempotencyKey: '' }, { caller: t.admin }),
    );

    expect(res).toMatchObject({ kind: 'invalid_argument', field });
    const after = await h.api.jobs.listJobs(
      {
        page: { limit: 200, cursor: '' },
        statuses: [],
        assigneeId: '',
        customerId: '',
        category: '',
        priority: '',
        delayed: '',
        q: '',
        sort: '',
        dueBefore: undefined,
        dueAfter: undefined,
        tag: '',
      },
      { caller: t.admin },
    );
    expect(after.jobs.length).toBe(before.jobs.length);
  });

  it('refuses an unknown source', async () => {
    expect(
      await failure(
        h.api.jobs.createJob({ job: input({ title: 'x' }), source: 'form', idempotencyKey: '' }, { caller: t.admin }),
      ),
    ).toMatchObject({
      field: 'source',
    });
  });

  it('refuses a user as soon as the deactivation reaches jobs', async () => {
    const dispatcher = await t.user('dispatcher');
    await h.api.jobs.createJob({ job: input({ title: 'ok' }), source: '', idempotencyKey: '' }, { caller: dispatcher });

    await t.deactivate(dispatcher);

    const res = await failure(
      h.api.jobs.createJob({ job: input({ title: 'x' }), source: '', idempotencyKey: '' }, { caller: dispatcher }),
    );
    expect(res).toMatchObject({ kind: 'unauthenticated', code: 'USER_DEACTIVATED' });
  });
});
