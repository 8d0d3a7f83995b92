// Bad input on every route with a body or a path parameter: a 4xx in the error shape naming the field, never a 500.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Answer } from './support/http.js';
import { type Platform, startPlatform } from './support/platform.js';
import { PASSWORD, signupTenant, type Tenant } from './support/tenants.js';

let platform: Platform;
let tenant: Tenant;
let customerId: string;

beforeAll(async () => {
  platform = await startPlatform();
  tenant = await signupTenant(platform.api, 'Bad');
  customerId = (await platform.api.post('/v1/customers', { code: 'BAD', name: 'Bad Input Ltd' }, tenant.admin.token))
    .body.id;
});
afterAll(() => platform?.stop());

type BodyRoute = {
  name: string;
  method: 'POST' | 'PATCH' | 'PUT';
  path: () => string;
  auth: boolean;
  valid: Record<string, unknown>;
  /** A required field to leave out (none for PATCH routes, where every field is optional). */
  required?: string;
  /** A string field to make too long, and how long is too long. */
  long: [string, number];
  /** A field and a value of the wrong type for it. */
  wrongType: [string, unknown];
};

const BODY_ROUTES: BodyRoute[] = [
  {
    name: 'POST /v1/signup',
    method: 'POST',
    path: () => '/v1/signup',
    auth: false,
    valid: { companyName: 'C', name: 'N', email: 'n@c.test', password: PASSWORD },
    required: 'email',
    long: ['companyName', 201],
    wrongType: ['name', 5],
  },
  {
    name: 'POST /v1/auth/login',
    method: 'POST',
    path: () => '/v1/auth/login',
    auth: false,
    valid: { tenant: 'x', email: 'n@c.test', password: PASSWORD },
    required: 'tenant',
    long: ['tenant', 101],
    wrongType: ['password', 123],
  },
  {
    name: 'POST /v1/auth/refresh',
    method: 'POST',
    path: () => '/v1/auth/refresh',
    auth: false,
    valid: { refreshToken: 'flr_x' },
    required: 'refreshToken',
    long: ['refreshToken', 513],
    wrongType: ['refreshToken', true],
  },
  {
    name: 'POST /v1/auth/logout',
    method: 'POST',
    path: () => '/v1/auth/logout',
    auth: false,
    valid: { refreshToken: 'flr_x' },
    required: 'refreshToken',
    long: ['refreshToken', 513],
    wrongType: ['refreshToken', 1],
  },
  {
    name: 'POST /v1/invitations',
    method: 'POST',
    path: () => '/v1/invitations',
    auth: true,
    valid: { email: 'i@c.test', role: 'dispatcher' },
    required: 'role',
    long: ['name', 201],
    wrongType: ['role', 1],
  },
  {
    name: 'POST /v1/invitations/accept',
    method: 'POST',
    path: () => '/v1/invitations/accept',
    auth: false,
    valid: { token: 'fli_x', name: 'N', password: PASSWORD },
    required: 'token',
    long: ['name', 201],
    wrongType: ['password', []],
  },
  {
    name: 'POST /v1/users',
    method: 'POST',
    path: () => '/v1/users',
    auth: true,
    valid: { name: 'N', role: 'coworker' },
    required: 'name',
    long: ['name', 201],
    wrongType: ['role', 3],
  },
  {
    name: 'PATCH /v1/users/{id}',
    method: 'PATCH',
    path: () => `/v1/users/${tenant.admin.id}`,
    auth: true,
    valid: { name: 'N' },
    long: ['phone', 41],
    wrongType: ['version', '1'],
  },
  {
    name: 'PATCH /v1/settings',
    method: 'PATCH',
    path: () => '/v1/settings',
    auth: true,
    valid: { dispatchEnabled: true },
    long: ['timezone', 65],
    wrongType: ['dispatchEnabled', 'yes'],
  },
  {
    name: 'POST /v1/customers',
    method: 'POST',
    path: () => '/v1/customers',
    auth: true,
    valid: { code: 'X1', name: 'N' },
    required: 'code',
    long: ['name', 201],
    wrongType: ['slaHours', '24'],
  },
  {
    name: 'PATCH /v1/customers/{id}',
    method: 'PATCH',
    path: () => `/v1/customers/${customerId}`,
    auth: true,
    valid: { name: 'N' },
    long: ['code', 51],
    wrongType: ['active', 'true'],
  },
  {
    name: 'PUT /v1/customers/{id}/coworkers',
    method: 'PUT',
    path: () => `/v1/customers/${customerId}/coworkers`,
    auth: true,
    valid: { userIds: [] },
    required: 'userIds',
    long: ['userIds', 0],
    wrongType: ['userIds', 'usr_1'],
  },
  {
    name: 'POST /v1/devices',
    method: 'POST',
    path: () => '/v1/devices',
    auth: true,
    valid: { workerId: 'usr_1', name: 'N' },
    required: 'workerId',
    long: ['name', 201],
    wrongType: ['name', 5],
  },
  {
    name: 'POST /v1/api-keys',
    method: 'POST',
    path: () => '/v1/api-keys',
    auth: true,
    valid: { name: 'N' },
    required: 'name',
    long: ['name', 201],
    wrongType: ['name', {}],
  },
];

function send(route: BodyRoute, body: string, contentType = 'application/json'): Promise<Answer> {
  return platform.api.send(route.method, route.path(), {
    body,
    headers: { 'content-type': contentType, ...(route.auth ? { authorization: `Bearer ${tenant.admin.token}` } : {}) },
  });
}

function bodiesFor(route: BodyRoute): Array<[string, string, number, string, string | undefined]> {
  const [longField, length] = route.long;
  // For the coworkers list the oversized string is an element: a 65-character id.
  const long = length === 0 ? { [longField]: ['u'.repeat(65)] } : { [longField]: 'x'.repeat(length) };
  const cases: Array<[string, string, number, string, string | undefined]> = [
    [
      'wrong type',
      JSON.stringify({ ...route.valid, [route.wrongType[0]]: route.wrongType[1] }),
      400,
      'VALIDATION_FAILED',
      route.wrongType[0],
    ],
    [
      'oversized string',
      JSON.stringify({ ...route.valid, ...long }),
      400,
      'VALIDATION_FAILED',
      length === 0 ? `${longField}.0` : longField,
    ],
    ['unknown field', JSON.stringify({ ...route.valid, isAdmin: true }), 400, 'VALIDATION_FAILED', 'isAdmin'],
    ['malformed JSON', '{"name": "x",', 400, 'INVALID_JSON', undefined],
    ['an array for a body', '[]', 400, 'VALIDATION_FAILED', undefined],
  ];
  if (route.required) {
    const { [route.required]: _, ...rest } = route.valid;
    cases.unshift(['missing required field', JSON.stringify(rest), 400, 'VALIDATION_FAILED', route.required]);
  }
  return cases;
}

const BODY_CASES = BODY_ROUTES.flatMap((route) =>
  bodiesFor(route).map(
    ([what, body, status, code, field]) => [route.name, what, route, body, status, code, field] as const,
  ),
);

describe('bad bodies', () => {
  it.each(BODY_CASES)('%s with %s → 4xx naming the field', async (_name, _what, route, body, status, code, field) => {
    const res = await send(route, body);

    expect({ status: res.status, code: res.body?.error?.code, field: res.body?.error?.field }).toEqual({
      status,
      code,
      field,
    });
    expect(res.body.error.message).toEqual(expect.any(String));
  });

  it.each(BODY_ROUTES.map((r) => [r.name, r] as const))('%s with a non-JSON content type → 415', async (_, route) => {
    const res = await send(route, 'name=x', 'application/x-www-form-urlencoded');

    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it.each(BODY_ROUTES.map((r) => [r.name, r] as const))('%s with no body at all → 400', async (_, route) => {
    const res = await platform.api.send(route.method, route.path(), {
      headers: route.auth ? { authorization: `Bearer ${tenant.admin.token}` } : {},
    });

    if (route.method === 'PATCH') expect([200, 400]).toContain(res.status);
    else expect(res.status).toBe(400);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await send(BODY_ROUTES[9], JSON.stringify({ code: 'X', name: 'x'.repeat(2 * 1024 * 1024) }));

    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses prototype poisoning as invalid JSON', async () => {
    const res = await send(BODY_ROUTES[9], '{"code":"X","name":"N","__proto__":{"role":"admin"}}');

    expect(res.status).toBe(400);
  });
});

const PARAM_ROUTES: Array<[string, string, (id: string) => string]> = [
  ['GET', '/v1/users/{id}', (id) => `/v1/users/${id}`],
  ['PATCH', '/v1/users/{id}', (id) => `/v1/users/${id}`],
  ['POST', '/v1/users/{id}/deactivate', (id) => `/v1/users/${id}/deactivate`],
  ['POST', '/v1/users/{id}/activate', (id) => `/v1/users/${id}/activate`],
  ['GET', '/v1/customers/{id}', (id) => `/v1/customers/${id}`],
  ['PATCH', '/v1/customers/{id}', (id) => `/v1/customers/${id}`],
  ['PUT', '/v1/customers/{id}/coworkers', (id) => `/v1/customers/${id}/coworkers`],
  ['POST', '/v1/invitations/{id}/resend', (id) => `/v1/invitations/${id}/resend`],
  ['POST', '/v1/devices/{id}/revoke', (id) => `/v1/devices/${id}/revoke`],
  ['POST', '/v1/api-keys/{id}/revoke', (id) => `/v1/api-keys/${id}/revoke`],
];
const PARAM_BODIES: Record<string, unknown> = { PATCH: { name: 'N' }, PUT: { userIds: [] } };

describe('bad path parameters', () => {
  const ids: Array<[string, string, number]> = [
    ['a malformed id', encodeURIComponent("x' or 1=1 --"), 400],
    ['an overlong id', 'u'.repeat(65), 400],
    ['a well-formed id that does not exist', 'xyz_00000000000000000000000000000000', 404],
  ];
  const cases = PARAM_ROUTES.flatMap(([method, name, path]) =>
    ids.map(([what, id, status]) => [method, name, what, path(id), status] as const),
  );

  it.each(cases)('%s %s with %s → %i', async (method, _name, _what, path, status) => {
    const body = PARAM_BODIES[method];
    const res = await platform.api.send(method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        authorization: `Bearer ${tenant.admin.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });

    expect(res.status).toBe(status);
    if (status === 400) expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
    else expect(res.body.error.code).toEqual(expect.any(String));
  });
});

describe('bad query strings and routes', () => {
  it.each([
    ['/v1/users?limit=0', 'limit'],
    ['/v1/users?limit=ten', 'limit'],
    ['/v1/users?active=maybe', 'active'],
    ['/v1/users?role=root', 'role'],
    ['/v1/users?sort=name', 'sort'],
    ['/v1/invitations?status=lost', 'status'],
    [`/v1/customers?q=${'x'.repeat(201)}`, 'q'],
  ])('%s → 400 naming %s', async (path, field) => {
    const res = await platform.api.get(path, tenant.admin.token);

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('answers a bad cursor with a 4xx, not a 500', async () => {
    const res = await platform.api.get('/v1/users?cursor=not-a-cursor', tenant.admin.token);

    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('answers an unknown route with 404 JSON', async () => {
    const res = await platform.api.get('/v1/does-not-exist', tenant.admin.token);

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String) } });
  });
});
