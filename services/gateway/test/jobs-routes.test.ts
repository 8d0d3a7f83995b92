// The jobs routes before and at the jobs service: schemas refuse bad input with no call made, good input reaches
// the service translated, roles are gated, and answers are shaped. A real gRPC server counts the calls.

import type { jobs } from '@fieldline/proto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { type FakeAccounts, startFakeAccounts } from './fake-accounts.js';
import { type FakeJobs, startFakeJobs } from './fake-jobs.js';
import { testGateway, tokenFor } from './gateway-fixture.js';

let fake: FakeJobs;
let accounts: FakeAccounts;
let app: FastifyInstance;

beforeAll(async () => {
  [fake, accounts] = await Promise.all([startFakeJobs(), startFakeAccounts()]);
  app = await testGateway({ jobsAddr: fake.address, accountsAddr: accounts.address });
});
afterAll(async () => {
  await app.close();
  await Promise.all([fake.stop(), accounts.stop()]);
});
beforeEach(() => fake.reset());

const as = (role: Parameters<typeof tokenFor>[0]) => ({ authorization: `Bearer ${tokenFor(role)}` });
const send = (
  method: 'POST' | 'PATCH' | 'GET',
  url: string,
  body?: unknown,
  headers: Record<string, string> = as('dispatcher'),
) =>
  app.inject({
    method,
    url,
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  });
const errorOf = (res: { statusCode: number; json(): { error: { code: string; field?: string } } }) => ({
  status: res.statusCode,
  code: res.json().error?.code,
  field: res.json().error?.field,
});

describe('job bodies refused before any call', () => {
  it.each<[string, 'POST' | 'PATCH', string, unknown, string | undefined]>([
    ['a missing title', 'POST', '/v1/jobs', {}, 'title'],
    ['an empty title', 'POST', '/v1/jobs', { title: '' }, 'title'],
    ['a title of the wrong type', 'POST', '/v1/jobs', { title: 7 }, 'title'],
    ['an unknown priority', 'POST', '/v1/jobs', { title: 'x', priority: 'urgent' }, 'priority'],
    ['percent over 100', 'POST', '/v1/jobs', { title: 'x', percentComplete: 101 }, 'percentComplete'],
    ['a fractional percent', 'POST', '/v1/jobs', { title: 'x', percentComplete: 1.5 }, 'percentComplete'],
    ['negative hours', 'POST', '/v1/jobs', { title: 'x', estimatedHours: -1 }, 'estimatedHours'],
    ['negative billable hours', 'POST', '/v1/jobs', { title: 'x', billableHours: -0.5 }, 'billableHours'],
    ['a date that is no date', 'POST', '/v1/jobs', { title: 'x', dueAt: 'tomorrow' }, 'dueAt'],
    ['a fractional price', 'POST', '/v1/jobs', { title: 'x', price: { amount: 1.5 } }, 'price.amount'],
    ['a bad currency', 'POST', '/v1/jobs', { title: 'x', price: { amount: 1, currency: 'eur' } }, 'price.currency'],
    ['a latitude out of range', 'POST', '/v1/jobs', { title: 'x', site: { lat: 91, lng: 0 } }, 'site.lat'],
    ['a latitude without longitude', 'POST', '/v1/jobs', { title: 'x', site: { lat: 45 } }, 'site.lng'],
    ['a custom field object', 'POST', '/v1/jobs', { title: 'x', customFields: { a: { b: 1 } } }, 'customFields.a'],
    ['a custom field bad key', 'POST', '/v1/jobs', { title: 'x', customFields: { '1a': 1 } }, 'customFields.1a'],
    ['a bad id in a list', 'POST', '/v1/jobs', { title: 'x', assigneeIds: ['a b'] }, 'assigneeIds.0'],
    ['a null on create', 'POST', '/v1/jobs', { title: 'x', dueAt: null }, 'dueAt'],
    ['a status on create', 'POST', '/v1/jobs', { title: 'x', status: 'done' }, 'status'],
    ['an unknown field', 'POST', '/v1/jobs', { title: 'x', owner: 'me' }, 'owner'],
    ['a PATCH without version', 'PATCH', '/v1/jobs/job_1', { title: 'y' }, 'version'],
    ['a PATCH of the status', 'PATCH', '/v1/jobs/job_1', { status: 'done', version: 1 }, 'status'],
    ['a PATCH of the number', 'PATCH', '/v1/jobs/job_1', { number: 'X', version: 1 }, 'number'],
    ['a PATCH clearing the title', 'PATCH', '/v1/jobs/job_1', { title: null, version: 1 }, 'title'],
    ['a PATCH with a bad nullable date', 'PATCH', '/v1/jobs/job_1', { dueAt: 'soon', version: 1 }, 'dueAt'],
    ['a PATCH with a string version', 'PATCH', '/v1/jobs/job_1', { version: '1' }, 'version'],
    ['an array for a body', 'POST', '/v1/jobs', [], undefined],
  ])('%s → 400 naming the field', async (_, method, url, body, field) => {
    const res = await send(method, url, body);

    expect(errorOf(res)).toEqual({ status: 400, code: 'VALIDATION_FAILED', field });
    expect(fake.calls).toEqual([]);
  });

  it('says where a read-only field does change', async () => {
    const res = await send('PATCH', '/v1/jobs/job_1', { status: 'done', version: 1 });

    expect(res.json().error.message).toContain('/transition');
  });

  it('explains a custom field value of the wrong kind in words', async () => {
    const res = await send('POST', '/v1/jobs', { title: 'x', customFields: { a: [1] } });

    expect(res.json().error.message).toBe('customFields.a must be text, a number, true, false or null');
  });

  it('refuses malformed JSON, another media type and a bad path id without calling the service', async () => {
    expect(errorOf(await send('POST', '/v1/jobs', '{"title":'))).toMatchObject({ status: 400, code: 'INVALID_JSON' });
    const form = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: 'title=x',
      headers: { ...as('admin'), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    expect(errorOf(await send('GET', '/v1/jobs/a%20b'))).toMatchObject({ status: 400, field: 'id' });
    expect(fake.calls).toEqual([]);
  });

  it.each<[string, string, unknown, string]>([
    ['/v1/jobs/job_1/assign', 'assign with no workerIds', {}, 'workerIds'],
    ['/v1/jobs/job_1/assign', 'assign with no one', { workerIds: [] }, 'workerIds'],
    [
      '/v1/jobs/job_1/assign',
      'assign with a bad window',
      { workerIds: ['usr_1'], scheduledStart: 'x' },
      'scheduledStart',
    ],
    ['/v1/jobs/job_1/reject', 'reject without a reason', {}, 'reason'],
    ['/v1/jobs/job_1/proposals/prop_1/counter', 'counter without a date', { message: 'hi' }, 'proposedDueAt'],
    ['/v1/jobs/job_1/transition', 'an unknown status', { to: 'finished' }, 'to'],
    ['/v1/jobs/job_1/participants', 'no one to add', { userIds: [] }, 'userIds'],
    ['/v1/jobs/job_1/notes', 'an empty note', { body: '' }, 'body'],
    ['/v1/jobs/job_1/time-logs', 'negative hours', { startedAt: '2030-01-01T08:00:00Z', hours: -2 }, 'hours'],
    ['/v1/jobs/job_1/time-logs', 'no start', { hours: 2 }, 'startedAt'],
    ['/v1/jobs/job_1/reminders', 'no time', { message: 'call back' }, 'remindAt'],
    [
      '/v1/job-types',
      'a field of an unknown type',
      { name: 'T', fields: [{ key: 'a', type: 'blob' }] },
      'fields.0.type',
    ],
  ])('%s: %s → 400 naming %s', async (url, _, body, field) => {
    const res = await send('POST', url, body, as('admin'));

    expect(errorOf(res)).toEqual({ status: 400, code: 'VALIDATION_FAILED', field });
    expect(fake.calls).toEqual([]);
  });
});

describe('the VoIP webhook', () => {
  it('refuses a call without the caller number before any call', async () => {
    const res = await send('POST', '/v1/integrations/voip/calls', { callId: 'c1' }, { 'x-api-key': 'flk_good' });

    expect(errorOf(res)).toEqual({ status: 400, code: 'VALIDATION_FAILED', field: 'from' });
    expect(fake.calls).toEqual([]);
  });
});

describe('job lists', () => {
  it('takes status repeated and comma-separated, maps the sort key, and pages', async () => {
    const res = await send(
      'GET',
      '/v1/jobs?status=assigned,accepted&status=done&sort=-dueAt&delayed=true&dueBefore=2030-02-01T00:00:00Z&limit=10',
    );

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ items: [{ id: 'job_1', number: 'ACME-TASK-1' }], nextCursor: 'next' });
    expect(fake.callsOf('listJobs')[0].request).toMatchObject({
      statuses: ['assigned', 'accepted', 'done'],
      sort: '-due_at',
      delayed: 'true',
      dueBefore: new Date('2030-02-01T00:00:00Z'),
      page: { limit: 10, cursor: '' },
    });
  });

  it.each([
    ['/v1/jobs?status=finished', 'status'],
    ['/v1/jobs?status=done,,nope', 'status'],
    ['/v1/jobs?priority=urgent', 'priority'],
    ['/v1/jobs?delayed=maybe', 'delayed'],
    ['/v1/jobs?sort=title', 'sort'],
    ['/v1/jobs?dueAfter=yesterday', 'dueAfter'],
    ['/v1/jobs?limit=0', 'limit'],
    ['/v1/jobs?mine=true', 'mine'],
    ['/v1/workers/usr_1/schedule?from=x&to=2030-01-01T00:00:00Z', 'from'],
    ['/v1/workers/usr_1/schedule?from=2030-01-01T00:00:00Z', 'to'],
  ])('%s → 400 naming %s', async (url, field) => {
    expect(errorOf(await send('GET', url))).toEqual({ status: 400, code: 'VALIDATION_FAILED', field });
    expect(fake.calls).toEqual([]);
  });
});

describe('what reaches the service', () => {
  it('creates with the Idempotency-Key and the caller, and answers 201 with the job in API shape', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { title: 'Fix boiler', dueAt: '2030-01-02T09:00:00Z', site: { address: '1 Main St' } },
      headers: { ...as('dispatcher'), 'idempotency-key': 'retry-1' },
    });

    expect(res.statusCode).toBe(201);
    const call = fake.callsOf('createJob')[0];
    expect(call.caller).toMatchObject({ tenantId: 't_1', role: 'dispatcher' });
    const request = call.request as jobs.CreateJobRequest;
    expect(request).toMatchObject({ idempotencyKey: 'retry-1', source: '' });
    expect(request.job).toMatchObject({
      title: 'Fix boiler',
      dueAt: new Date('2030-01-02T09:00:00Z'),
      site: { address: '1 Main St', hasCoordinates: false },
      clearedFields: [],
    });
    expect(res.json()).toMatchObject({
      id: 'job_1',
      status: 'not_started',
      price: { amount: 12000, currency: 'EUR' },
      site: { address: '1 Main St', lat: 48.85, lng: 2.35, radiusM: 100, siteId: null },
      startAt: '2030-01-01T09:00:00.000Z',
      scheduledStart: null,
      category: null,
      delayed: false,
      customFields: { serial: 'X1' },
      version: 1,
    });
  });

  it('marks jobs an integration creates with its API key as source api', async () => {
    await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { title: 'x' },
      headers: { 'x-api-key': 'flk_good' },
    });

    expect((fake.callsOf('createJob')[0].request as jobs.CreateJobRequest).source).toBe('api');
  });

  it('turns explicit nulls of a PATCH into cleared fields and passes the version', async () => {
    const res = await send('PATCH', '/v1/jobs/job_1', {
      dueAt: null,
      customerId: null,
      price: null,
      description: 'more',
      version: 3,
    });

    expect(res.statusCode).toBe(200);
    const request = fake.callsOf('updateJob')[0].request as jobs.UpdateJobRequest;
    expect(request).toMatchObject({ id: 'job_1', version: 3 });
    expect(request.job?.clearedFields.sort()).toEqual(['customerId', 'dueAt', 'price']);
    expect(request.job).toMatchObject({ description: 'more', dueAt: undefined, price: undefined });
  });

  it('takes the optional bodies of complete and auto-assign as empty', async () => {
    const complete = await send('POST', '/v1/jobs/job_1/complete', undefined, as('coworker'));
    const auto = await send('POST', '/v1/jobs/job_1/auto-assign');

    expect(complete.statusCode).toBe(200);
    expect(auto.json()).toMatchObject({ workerId: 'usr_w', rule: 'customer_coworker', distanceM: null });
  });

  it('maps the service not-found to 404 with its code', async () => {
    expect(errorOf(await send('GET', '/v1/jobs/job_missing'))).toEqual({
      status: 404,
      code: 'JOB_NOT_FOUND',
      field: undefined,
    });
  });
});

describe('roles', () => {
  it.each<[string, 'POST' | 'GET' | 'PATCH', string, unknown, Parameters<typeof tokenFor>[0]]>([
    ['a guest creating a job', 'POST', '/v1/jobs', { title: 'x' }, 'guest'],
    ['a client changing a job', 'PATCH', '/v1/jobs/job_1', { version: 1 }, 'client'],
    ['a co-worker assigning', 'POST', '/v1/jobs/job_1/assign', { workerIds: [] }, 'coworker'],
    ['a co-worker auto-assigning', 'POST', '/v1/jobs/job_1/auto-assign', {}, 'coworker'],
    ['a client accepting', 'POST', '/v1/jobs/job_1/accept', undefined, 'client'],
    ['a client accepting a proposal', 'POST', '/v1/jobs/job_1/proposals/p_1/accept', undefined, 'client'],
    ['a dispatcher defining a job type', 'POST', '/v1/job-types', { name: 'T' }, 'dispatcher'],
    ['a client logging time', 'POST', '/v1/jobs/job_1/time-logs', { startedAt: '2030-01-01T00:00:00Z' }, 'client'],
    ['a guest reading reminders', 'GET', '/v1/jobs/job_1/reminders', undefined, 'guest'],
    ['a person reporting a call', 'POST', '/v1/integrations/voip/calls', { from: '+1', callId: 'c' }, 'admin'],
  ])('refuses %s with 403 and no call', async (_, method, url, body, role) => {
    const res = await send(method, url, body, as(role));

    expect(errorOf(res)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(fake.calls).toEqual([]);
  });

  it('refuses device tokens on jobs routes', async () => {
    const res = await send('GET', '/v1/jobs', undefined, { authorization: 'Bearer fld_good' });

    expect(res.statusCode).toBe(403);
  });

  it('lets an integration API key report a call: 201 with the job', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/integrations/voip/calls',
      payload: { from: '+33 1 23', to: '+33 9 99', callId: 'call-1' },
      headers: { 'x-api-key': 'flk_good' },
    });

    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ source: 'voip' });
    expect(fake.callsOf('createJobFromCall')[0].request).toEqual({
      from: '+33 1 23',
      to: '+33 9 99',
      callId: 'call-1',
    });
  });
});

describe('probes', () => {
  it('reports jobs in /readyz', async () => {
    const res = await app.inject({ url: '/readyz' });

    expect(res.json().checks).toMatchObject({ accounts: 'SERVING', jobs: 'SERVING' });
  });
});
