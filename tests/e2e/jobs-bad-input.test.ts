// Bad input on every jobs route: a 4xx in the error shape naming the field, never a 500, and nothing written.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Answer, Json } from './support/http.js';
import { createJob, errorOf, expectStatus, formKeyOf, inHours, pngOf, upload } from './support/jobs.js';
import { type Platform, startPlatform } from './support/platform.js';
import { type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
let job: Json;
let jobTypeId: string;
let formKey: string;
let apiKey: string;
const api = () => platform.api;

beforeAll(async () => {
  platform = await startPlatform();
  t = await staffedTenant(platform.api, 'BadJobs');
  job = await createJob(api(), t.admin.token, { customerId: t.customerId, startAt: inHours(0) });
  const type = await api().post(
    '/v1/job-types',
    { name: 'Checked', fields: [{ key: 'serial', type: 'text', required: true }] },
    t.admin.token,
  );
  expectStatus(type, 201, 'job type');
  jobTypeId = type.body.id;
  formKey = await formKeyOf(api(), t.admin.token);
  apiKey = (await api().post('/v1/api-keys', { name: 'bad input' }, t.admin.token)).body.key;
});
afterAll(() => platform?.stop());

type BodyRoute = {
  name: string;
  method: 'POST' | 'PATCH';
  path: () => string;
  /** How the route authenticates: the admin's token, an API key, or nothing (public). */
  auth: 'admin' | 'apiKey' | 'none';
  /** A body the schema accepts (made before the tenant exists: ids are placeholders). */
  valid: () => Record<string, unknown>;
  required?: string;
  long: [string, number];
  wrongType: [string, unknown];
};

const BODY_ROUTES: BodyRoute[] = [
  {
    name: 'POST /v1/job-types',
    method: 'POST',
    path: () => '/v1/job-types',
    auth: 'admin',
    valid: () => ({ name: 'T' }),
    required: 'name',
    long: ['name', 101],
    wrongType: ['fields', 'serial'],
  },
  {
    name: 'PATCH /v1/job-types/{id}',
    method: 'PATCH',
    path: () => `/v1/job-types/${jobTypeId}`,
    auth: 'admin',
    valid: () => ({ description: 'd' }),
    long: ['description', 1001],
    wrongType: ['active', 'yes'],
  },
  {
    name: 'POST /v1/jobs',
    method: 'POST',
    path: () => '/v1/jobs',
    auth: 'admin',
    valid: () => ({ title: 'T' }),
    required: 'title',
    long: ['title', 201],
    wrongType: ['estimatedHours', '2'],
  },
  {
    name: 'PATCH /v1/jobs/{id}',
    method: 'PATCH',
    path: () => `/v1/jobs/${job.id}`,
    auth: 'admin',
    valid: () => ({ version: 999 }),
    required: 'version',
    long: ['description', 10_001],
    wrongType: ['billable', 'true'],
  },
  {
    name: 'POST /v1/jobs/{id}/assign',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/assign`,
    auth: 'admin',
    valid: () => ({ workerIds: ['usr_1'], scheduledStart: inHours(1), scheduledEnd: inHours(2) }),
    required: 'workerIds',
    long: ['workerIds', 0],
    wrongType: ['force', 1],
  },
  {
    name: 'POST /v1/jobs/{id}/reject',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/reject`,
    auth: 'admin',
    valid: () => ({ reason: 'r' }),
    required: 'reason',
    long: ['reason', 1001],
    wrongType: ['proposedDueAt', 5],
  },
  {
    name: 'POST /v1/jobs/{id}/proposals/{pid}/counter',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/proposals/prp_none/counter`,
    auth: 'admin',
    valid: () => ({ proposedDueAt: inHours(5) }),
    required: 'proposedDueAt',
    long: ['message', 1001],
    wrongType: ['message', false],
  },
  {
    name: 'POST /v1/jobs/{id}/transition',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/transition`,
    auth: 'admin',
    valid: () => ({ to: 'not_started' }),
    required: 'to',
    long: ['reason', 1001],
    wrongType: ['to', 3],
  },
  {
    name: 'POST /v1/jobs/{id}/complete',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/complete`,
    auth: 'admin',
    valid: () => ({}),
    long: ['note', 10_001],
    wrongType: ['note', []],
  },
  {
    name: 'POST /v1/jobs/{id}/auto-assign',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/auto-assign`,
    auth: 'admin',
    valid: () => ({}),
    long: ['scheduledStart', 100],
    wrongType: ['scheduledEnd', 7],
  },
  {
    name: 'POST /v1/jobs/{id}/participants',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/participants`,
    auth: 'admin',
    valid: () => ({ userIds: ['usr_1'] }),
    required: 'userIds',
    long: ['userIds', 0],
    wrongType: ['userIds', 'x'],
  },
  {
    name: 'POST /v1/jobs/{id}/notes',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/notes`,
    auth: 'admin',
    valid: () => ({ body: 'b' }),
    required: 'body',
    long: ['body', 10_001],
    wrongType: ['internal', 'no'],
  },
  {
    name: 'POST /v1/jobs/{id}/time-logs',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/time-logs`,
    auth: 'admin',
    valid: () => ({ startedAt: inHours(-2), hours: 1 }),
    required: 'startedAt',
    long: ['note', 1001],
    wrongType: ['hours', '1'],
  },
  {
    name: 'POST /v1/jobs/{id}/reminders',
    method: 'POST',
    path: () => `/v1/jobs/${job.id}/reminders`,
    auth: 'admin',
    valid: () => ({ remindAt: inHours(3) }),
    required: 'remindAt',
    long: ['message', 501],
    wrongType: ['message', 1],
  },
  {
    name: 'POST /v1/public/requests/{formKey}',
    method: 'POST',
    path: () => `/v1/public/requests/${formKey}`,
    auth: 'none',
    valid: () => ({ name: 'N', title: 'T', website: 'trap' }),
    required: 'name',
    long: ['title', 201],
    wrongType: ['email', 1],
  },
  {
    name: 'POST /v1/integrations/voip/calls',
    method: 'POST',
    path: () => '/v1/integrations/voip/calls',
    auth: 'apiKey',
    valid: () => ({ from: '+1 555 0100', callId: 'c' }),
    required: 'callId',
    long: ['callId', 201],
    wrongType: ['from', 1555],
  },
];

function headersOf(route: BodyRoute, contentType?: string): Record<string, string> {
  const auth: Record<string, string> =
    route.auth === 'admin'
      ? { authorization: `Bearer ${t.admin.token}` }
      : route.auth === 'apiKey'
        ? { 'x-api-key': apiKey }
        : {};
  return contentType ? { ...auth, 'content-type': contentType } : auth;
}

const send = (route: BodyRoute, body: string, contentType = 'application/json'): Promise<Answer> =>
  api().send(route.method, route.path(), { body, headers: headersOf(route, contentType) });

function bodiesFor(route: BodyRoute): Array<[string, string, number, string, string | undefined]> {
  const [longField, length] = route.long;
  // For lists of ids the oversized string is an element: a 65-character id.
  const long = length === 0 ? { [longField]: ['u'.repeat(65)] } : { [longField]: 'x'.repeat(length) };
  const cases: Array<[string, string, number, string, string | undefined]> = [
    [
      'wrong type',
      JSON.stringify({ ...route.valid(), [route.wrongType[0]]: route.wrongType[1] }),
      400,
      'VALIDATION_FAILED',
      route.wrongType[0],
    ],
    [
      'oversized string',
      JSON.stringify({ ...route.valid(), ...long }),
      400,
      'VALIDATION_FAILED',
      length === 0 ? `${longField}.0` : longField,
    ],
    ['unknown field', JSON.stringify({ ...route.valid(), isAdmin: true }), 400, 'VALIDATION_FAILED', 'isAdmin'],
    ['malformed JSON', '{"name": "x",', 400, 'INVALID_JSON', undefined],
    ['an array for a body', '[]', 400, 'VALIDATION_FAILED', undefined],
  ];
  if (route.required) {
    const { [route.required]: _, ...rest } = route.valid();
    cases.unshift(['missing required field', JSON.stringify(rest), 400, 'VALIDATION_FAILED', route.required]);
  }
  return cases;
}

const BODY_CASES = BODY_ROUTES.flatMap((route) =>
  bodiesFor(route).map(
    ([what, body, status, code, field]) => [route.name, what, route, body, status, code, field] as const,
  ),
);

describe('bad bodies on jobs routes', () => {
  it.each(BODY_CASES)('%s with %s → 4xx naming the field', async (_name, _what, route, body, status, code, field) => {
    const res = await send(route, body);

    expect(errorOf(res)).toEqual({ status, code, field });
    expect(res.body.error.message).toEqual(expect.any(String));
  });

  it.each(BODY_ROUTES.filter((r) => !r.name.includes('public')).map((r) => [r.name, r] as const))(
    '%s with a non-JSON content type → 415',
    async (_, route) => {
      const res = await send(route, 'name=x', 'application/x-www-form-urlencoded');

      expect(errorOf(res)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    },
  );

  it('POST /v1/public/requests/{formKey} with text/plain → 415', async () => {
    const res = await send(BODY_ROUTES.find((r) => r.name.includes('public')) as BodyRoute, 'name=x', 'text/plain');

    expect(res.status).toBe(415);
  });

  it('left the job as it was', async () => {
    const res = await api().get(`/v1/jobs/${job.id}`, t.admin.token);

    expect(res.body).toMatchObject({ title: job.title, version: job.version, status: job.status, assigneeIds: [] });
  });
});

describe('refusals by the rules of jobs, naming the field', () => {
  it.each<[string, string, () => Promise<Answer>]>([
    ['an unknown status', 'to', () => api().post(`/v1/jobs/${job.id}/transition`, { to: 'finished' }, t.admin.token)],
    ['an unknown status filter', 'status', () => api().get('/v1/jobs?status=assigned,finished', t.admin.token)],
    [
      'a due date before the start',
      'dueAt',
      () => api().post('/v1/jobs', { title: 'x', startAt: inHours(5), dueAt: inHours(1) }, t.admin.token),
    ],
    [
      'negative hours',
      'estimatedHours',
      () => api().post('/v1/jobs', { title: 'x', estimatedHours: -1 }, t.admin.token),
    ],
    [
      'percent over 100',
      'percentComplete',
      () => api().post('/v1/jobs', { title: 'x', percentComplete: 120 }, t.admin.token),
    ],
    [
      'a missing required custom field',
      'customFields.serial',
      () => api().post('/v1/jobs', { title: 'x', typeId: jobTypeId, customFields: {} }, t.admin.token),
    ],
    [
      'custom fields without a type',
      'customFields.serial',
      () => api().post('/v1/jobs', { title: 'x', customFields: { serial: 'S' } }, t.admin.token),
    ],
    [
      'an assign window ending before it starts',
      'scheduledEnd',
      () =>
        api().post(
          `/v1/jobs/${job.id}/assign`,
          { workerIds: [t.users.coworker.id], scheduledStart: inHours(2), scheduledEnd: inHours(1) },
          t.admin.token,
        ),
    ],
    [
      'an unknown customer',
      'customerId',
      () => api().post('/v1/jobs', { title: 'x', customerId: 'cus_0000000000000000000000000000ffff' }, t.admin.token),
    ],
    [
      'an unknown job type',
      'typeId',
      () => api().post('/v1/jobs', { title: 'x', typeId: 'jty_0000000000000000000000000000ffff' }, t.admin.token),
    ],
    [
      'a clearing null on a field that cannot be empty',
      'title',
      () => api().patch(`/v1/jobs/${job.id}`, { title: null, version: job.version }, t.admin.token),
    ],
    [
      'an upload with no file',
      'file',
      async () => {
        const form = new FormData();
        form.append('category', 'photo');
        return api().send('POST', `/v1/jobs/${job.id}/attachments`, {
          body: form,
          headers: { authorization: `Bearer ${t.admin.token}` },
        });
      },
    ],
    [
      'a bad upload category',
      'category',
      () => upload(api(), t.admin.token, job.id, { content: pngOf(100) }, { category: 'selfie' }),
    ],
  ])('refuses %s → 400 naming %s', async (_, field, send) => {
    const res = await send();

    expect(errorOf(res)).toMatchObject({ status: 400, field });
  });
});

const WINDOW = { from: encodeURIComponent(inHours(0)), to: encodeURIComponent(inHours(24)) };
const PARAM_ROUTES: Array<[string, string, (id: string) => string]> = [
  ['GET', '/v1/jobs/{id}', (id) => `/v1/jobs/${id}`],
  ['PATCH', '/v1/jobs/{id}', (id) => `/v1/jobs/${id}`],
  ['PATCH', '/v1/job-types/{id}', (id) => `/v1/job-types/${id}`],
  ['POST', '/v1/jobs/{id}/assign', (id) => `/v1/jobs/${id}/assign`],
  ['POST', '/v1/jobs/{id}/accept', (id) => `/v1/jobs/${id}/accept`],
  ['POST', '/v1/jobs/{id}/reject', (id) => `/v1/jobs/${id}/reject`],
  ['POST', '/v1/jobs/{id}/proposals/{pid}/accept', (id) => `/v1/jobs/${id}/proposals/${id}/accept`],
  ['POST', '/v1/jobs/{id}/proposals/{pid}/counter', (id) => `/v1/jobs/${id}/proposals/${id}/counter`],
  ['POST', '/v1/jobs/{id}/transition', (id) => `/v1/jobs/${id}/transition`],
  ['POST', '/v1/jobs/{id}/complete', (id) => `/v1/jobs/${id}/complete`],
  ['POST', '/v1/jobs/{id}/auto-assign', (id) => `/v1/jobs/${id}/auto-assign`],
  ['GET', '/v1/jobs/{id}/history', (id) => `/v1/jobs/${id}/history`],
  ['POST', '/v1/jobs/{id}/participants', (id) => `/v1/jobs/${id}/participants`],
  ['GET', '/v1/workers/{id}/schedule', (id) => `/v1/workers/${id}/schedule?from=${WINDOW.from}&to=${WINDOW.to}`],
  ['GET', '/v1/jobs/{id}/notes', (id) => `/v1/jobs/${id}/notes`],
  ['POST', '/v1/jobs/{id}/notes', (id) => `/v1/jobs/${id}/notes`],
  ['GET', '/v1/jobs/{id}/attachments', (id) => `/v1/jobs/${id}/attachments`],
  ['GET', '/v1/attachments/{id}/content', (id) => `/v1/attachments/${id}/content`],
  ['GET', '/v1/jobs/{id}/time-logs', (id) => `/v1/jobs/${id}/time-logs`],
  ['POST', '/v1/jobs/{id}/time-logs', (id) => `/v1/jobs/${id}/time-logs`],
  ['GET', '/v1/jobs/{id}/reminders', (id) => `/v1/jobs/${id}/reminders`],
  ['POST', '/v1/jobs/{id}/reminders', (id) => `/v1/jobs/${id}/reminders`],
];
// A valid body for each, so only the id is wrong.
const BODY_OF: Record<string, unknown> = {
  'PATCH /v1/jobs/{id}': { version: 1 },
  'PATCH /v1/job-types/{id}': { name: 'N' },
  'POST /v1/jobs/{id}/assign': { workerIds: ['usr_1'] },
  'POST /v1/jobs/{id}/reject': { reason: 'r' },
  'POST /v1/jobs/{id}/proposals/{pid}/counter': { proposedDueAt: '2031-01-01T00:00:00Z' },
  'POST /v1/jobs/{id}/transition': { to: 'cancelled' },
  'POST /v1/jobs/{id}/participants': { userIds: ['usr_1'] },
  'POST /v1/jobs/{id}/notes': { body: 'b' },
  'POST /v1/jobs/{id}/time-logs': { startedAt: inHours(-2), hours: 1 },
  'POST /v1/jobs/{id}/reminders': { remindAt: inHours(2) },
};

describe('bad path parameters on jobs routes', () => {
  const ids: Array<[string, string, number]> = [
    ['a malformed id', encodeURIComponent("x' or 1=1 --"), 400],
    ['an overlong id', 'u'.repeat(65), 400],
    ['a well-formed id that does not exist', 'job_00000000000000000000000000000000', 404],
  ];
  const cases = PARAM_ROUTES.flatMap(([method, name, path]) =>
    ids.map(([what, id, status]) => [method, name, what, path(id), status] as const),
  );

  it.each(cases)('%s %s with %s → %i', async (method, name, _what, path, status) => {
    const body = BODY_OF[`${method} ${name}`];

    const res = await api().send(method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        authorization: `Bearer ${t.admin.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });

    expect(res.status).toBe(status);
    if (status === 400) expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    else expect(res.body.error.code).toEqual(expect.stringMatching(/NOT_FOUND$/));
  });

  it('refuses a malformed form key with 400 and answers an unknown one with 404', async () => {
    expect((await api().get('/v1/public/forms/a%27b')).status).toBe(400);
    expect((await api().get('/v1/public/forms/unknown-form-key')).status).toBe(404);
  });
});

describe('bad query strings on jobs routes', () => {
  it.each([
    ['/v1/jobs?limit=0', 'limit'],
    ['/v1/jobs?limit=101', 'limit'],
    ['/v1/jobs?priority=urgent', 'priority'],
    ['/v1/jobs?delayed=perhaps', 'delayed'],
    ['/v1/jobs?sort=title', 'sort'],
    ['/v1/jobs?dueBefore=tomorrow', 'dueBefore'],
    ['/v1/jobs?assigneeId=a%20b', 'assigneeId'],
    [`/v1/jobs?q=${'x'.repeat(201)}`, 'q'],
    ['/v1/jobs?owner=me', 'owner'],
    [`/v1/workers/usr_1/schedule?from=now&to=${encodeURIComponent(inHours(1))}`, 'from'],
    [`/v1/workers/usr_1/schedule?from=${encodeURIComponent(inHours(0))}`, 'to'],
    ['/v1/public/forms/x?format=pdf', 'format'],
  ])('%s → 400 naming %s', async (path, field) => {
    const res = await api().get(path, t.admin.token);

    expect(errorOf(res)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field });
  });

  it('answers a due window upside down with a 400 naming it, and a bad cursor with a 4xx', async () => {
    const upside = await api().get(
      `/v1/jobs?dueAfter=${encodeURIComponent(inHours(5))}&dueBefore=${encodeURIComponent(inHours(1))}`,
      t.admin.token,
    );
    const cursor = await api().get('/v1/jobs?cursor=garbage', t.admin.token);

    expect(errorOf(upside)).toMatchObject({ status: 400, field: 'dueAfter' });
    expect(cursor.status).toBeGreaterThanOrEqual(400);
    expect(cursor.status).toBeLessThan(500);
  });
});
