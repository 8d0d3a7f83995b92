// Every protected identity route × every role: allowed roles get an answer (2xx, or 404 where that fits), the rest 403.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Answer } from './support/http.js';
import { type Platform, startPlatform } from './support/platform.js';
import { PASSWORD, ROLES, type RoleName, type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;

beforeAll(async () => {
  platform = await startPlatform();
  t = await staffedTenant(platform.api, 'Matrix');
});
afterAll(() => platform?.stop());

const unique = () => randomBytes(4).toString('hex');
const adminToken = () => t.admin.token;

// Targets the admin creates fresh for each call, so one role's allowed call never changes another's outcome.
async function freshUser(): Promise<string> {
  const res = await platform.api.post(
    '/v1/users',
    { name: 'Target', role: 'coworker', email: `target-${unique()}@m.test`, password: PASSWORD },
    adminToken(),
  );
  return res.body.id;
}
async function freshInvitation(): Promise<string> {
  const res = await platform.api.post(
    '/v1/invitations',
    { email: `inv-${unique()}@m.test`, role: 'coworker' },
    adminToken(),
  );
  return res.body.id;
}
async function freshDevice(): Promise<string> {
  const res = await platform.api.post('/v1/devices', { workerId: t.users.coworker.id, name: 'phone' }, adminToken());
  return res.body.id;
}
async function freshApiKey(): Promise<string> {
  const res = await platform.api.post('/v1/api-keys', { name: `key ${unique()}` }, adminToken());
  return res.body.id;
}

type Call = (token: string) => Promise<Answer>;
type Row = { route: string; allowed: readonly RoleName[]; call: () => Promise<Call> };

const all = ROLES;
const staff = ['admin', 'dispatcher'] as const;
const admin = ['admin'] as const;
const api = () => platform.api;

// The one table: route, who may call it, and how to call it (with whatever it needs prepared first).
const MATRIX: Row[] = [
  { route: 'GET /v1/me', allowed: all, call: async () => (tok) => api().get('/v1/me', tok) },
  {
    route: 'POST /v1/invitations',
    allowed: ['admin', 'dispatcher', 'coworker', 'client'],
    call: async () => (tok) =>
      api().post('/v1/invitations', { email: `g-${unique()}@m.test`, role: 'guest', customerId: t.customerId }, tok),
  },
  {
    route: 'GET /v1/invitations',
    allowed: staff,
    call: async () => (tok) => api().get('/v1/invitations?status=pending', tok),
  },
  {
    route: 'POST /v1/invitations/{id}/resend',
    allowed: staff,
    call: async () => {
      const id = await freshInvitation();
      return (tok) => api().post(`/v1/invitations/${id}/resend`, undefined, tok);
    },
  },
  {
    route: 'POST /v1/users',
    allowed: admin,
    call: async () => (tok) => api().post('/v1/users', { name: 'New', role: 'coworker' }, tok),
  },
  { route: 'GET /v1/users', allowed: staff, call: async () => (tok) => api().get('/v1/users?role=coworker', tok) },
  {
    route: 'GET /v1/users/{id}',
    allowed: staff,
    call: async () => (tok) => api().get(`/v1/users/${t.users.coworker.id}`, tok),
  },
  {
    route: 'PATCH /v1/users/{id}',
    allowed: admin,
    call: async () => {
      const id = await freshUser();
      return (tok) => api().patch(`/v1/users/${id}`, { name: 'Renamed' }, tok);
    },
  },
  {
    route: 'POST /v1/users/{id}/deactivate',
    allowed: admin,
    call: async () => {
      const id = await freshUser();
      return (tok) => api().post(`/v1/users/${id}/deactivate`, undefined, tok);
    },
  },
  {
    route: 'POST /v1/users/{id}/activate',
    allowed: admin,
    call: async () => {
      const id = await freshUser();
      return (tok) => api().post(`/v1/users/${id}/activate`, undefined, tok);
    },
  },
  {
    route: 'GET /v1/settings',
    allowed: ['admin', 'dispatcher', 'coworker'],
    call: async () => (tok) => api().get('/v1/settings', tok),
  },
  {
    route: 'PATCH /v1/settings',
    allowed: admin,
    call: async () => (tok) => api().patch('/v1/settings', { dispatchEnabled: true }, tok),
  },
  { route: 'GET /v1/customers', allowed: all, call: async () => (tok) => api().get('/v1/customers', tok) },
  {
    route: 'POST /v1/customers',
    allowed: staff,
    call: async () => (tok) => api().post('/v1/customers', { code: `M${unique()}`, name: 'Matrix customer' }, tok),
  },
  {
    route: 'GET /v1/customers/{id}',
    allowed: all,
    call: async () => (tok) => api().get(`/v1/customers/${t.customerId}`, tok),
  },
  {
    route: 'PATCH /v1/customers/{id}',
    allowed: staff,
    call: async () => (tok) => api().patch(`/v1/customers/${t.customerId}`, { slaHours: 48 }, tok),
  },
  {
    route: 'PUT /v1/customers/{id}/coworkers',
    allowed: admin,
    call: async () => (tok) =>
      api().put(`/v1/customers/${t.customerId}/coworkers`, { userIds: [t.users.coworker.id] }, tok),
  },
  {
    route: 'POST /v1/devices',
    allowed: staff,
    call: async () => (tok) => api().post('/v1/devices', { workerId: t.users.coworker.id, name: 'phone' }, tok),
  },
  { route: 'GET /v1/devices', allowed: staff, call: async () => (tok) => api().get('/v1/devices', tok) },
  {
    route: 'POST /v1/devices/{id}/revoke',
    allowed: staff,
    call: async () => {
      const id = await freshDevice();
      return (tok) => api().post(`/v1/devices/${id}/revoke`, undefined, tok);
    },
  },
  {
    route: 'POST /v1/api-keys',
    allowed: admin,
    call: async () => (tok) => api().post('/v1/api-keys', { name: 'k' }, tok),
  },
  { route: 'GET /v1/api-keys', allowed: admin, call: async () => (tok) => api().get('/v1/api-keys', tok) },
  {
    route: 'POST /v1/api-keys/{id}/revoke',
    allowed: admin,
    call: async () => {
      const id = await freshApiKey();
      return (tok) => api().post(`/v1/api-keys/${id}/revoke`, undefined, tok);
    },
  },
];

const CASES = MATRIX.flatMap((row) =>
  ROLES.map((role) => [row.route, role, row.allowed.includes(role) ? 'allowed' : 'forbidden', row] as const),
);

describe('role matrix', () => {
  it.each(CASES)('%s as %s is %s', async (_route, role, expected, row) => {
    const call = await row.call();

    const res = await call(t.users[role].token);

    if (expected === 'forbidden') {
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    } else {
      expect({ status: res.status, ok: res.status < 300 || res.status === 404, body: res.body }).toMatchObject({
        ok: true,
      });
    }
  });

  it('covers every protected identity route of the OpenAPI document', async () => {
    const doc = (await platform.api.get('/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[]; tags?: string[] }>>;
    };
    // The jobs routes have their own matrix (jobs-role-matrix.test.ts), the location routes theirs
    // (location-queries.test.ts).
    const jobsTags = ['job-types', 'jobs', 'job-activity', 'public', 'location'];
    const secured = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security?.length && !op.tags?.some((t) => jobsTags.includes(t)))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );

    expect(MATRIX.map((r) => r.route).sort()).toEqual(secured.sort());
  });
});
