// Two tenants side by side: no route lets tenant A read, list, change or even detect what belongs to tenant B.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Answer } from './support/http.js';
import { type Platform, startPlatform } from './support/platform.js';
import { type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let a: StaffedTenant;
let b: StaffedTenant;
// What B owns, made through B's own admin.
const B = { invitationId: '', deviceId: '', apiKeyId: '', formKey: '' };

beforeAll(async () => {
  platform = await startPlatform();
  [a, b] = await Promise.all([staffedTenant(platform.api, 'Alpha'), staffedTenant(platform.api, 'Beta')]);
  const api = platform.api;
  B.invitationId = (
    await api.post('/v1/invitations', { email: 'inv@beta.test', role: 'coworker' }, b.admin.token)
  ).body.id;
  B.deviceId = (
    await api.post('/v1/devices', { workerId: b.users.coworker.id, name: 'B phone' }, b.admin.token)
  ).body.id;
  B.apiKeyId = (await api.post('/v1/api-keys', { name: 'B key' }, b.admin.token)).body.id;
  await api.patch('/v1/settings', { taskNumberFormat: 'BETA-{n}' }, b.admin.token);
});
afterAll(() => platform?.stop());

const shape = (res: Answer) => ({ status: res.status, code: res.body?.error?.code, field: res.body?.error?.field });
const ids = (res: Answer) => (res.body.items as Array<{ id: string }>).map((i) => i.id);

describe('tenant isolation', () => {
  // Each probe is tried with B's real id and with an id that exists nowhere: A must not tell them apart.
  const probes: Array<[string, (id: () => string) => (token: string) => Promise<Answer>, () => string]> = [
    [
      'GET /v1/users/{B user}',
      (id) => (tok) => platform.api.get(`/v1/users/${id()}`, tok),
      () => b.users.dispatcher.id,
    ],
    [
      'PATCH /v1/users/{B user}',
      (id) => (tok) => platform.api.patch(`/v1/users/${id()}`, { name: 'Hacked' }, tok),
      () => b.users.dispatcher.id,
    ],
    [
      'POST /v1/users/{B user}/deactivate',
      (id) => (tok) => platform.api.post(`/v1/users/${id()}/deactivate`, undefined, tok),
      () => b.users.dispatcher.id,
    ],
    [
      'POST /v1/users/{B admin}/activate',
      (id) => (tok) => platform.api.post(`/v1/users/${id()}/activate`, undefined, tok),
      () => b.admin.id,
    ],
    [
      'GET /v1/customers/{B customer}',
      (id) => (tok) => platform.api.get(`/v1/customers/${id()}`, tok),
      () => b.customerId,
    ],
    [
      'PATCH /v1/customers/{B customer}',
      (id) => (tok) => platform.api.patch(`/v1/customers/${id()}`, { name: 'Hacked' }, tok),
      () => b.customerId,
    ],
    [
      'PUT /v1/customers/{B customer}/coworkers',
      (id) => (tok) => platform.api.put(`/v1/customers/${id()}/coworkers`, { userIds: [] }, tok),
      () => b.customerId,
    ],
    [
      'PUT /v1/customers/{A customer}/coworkers [B user]',
      (id) => (tok) => platform.api.put(`/v1/customers/${a.customerId}/coworkers`, { userIds: [id()] }, tok),
      () => b.users.coworker.id,
    ],
    [
      'POST /v1/invitations/{B invitation}/resend',
      (id) => (tok) => platform.api.post(`/v1/invitations/${id()}/resend`, undefined, tok),
      () => B.invitationId,
    ],
    [
      'POST /v1/invitations [B customer]',
      (id) => (tok) =>
        platform.api.post('/v1/invitations', { email: 'x@alpha.test', role: 'guest', customerId: id() }, tok),
      () => b.customerId,
    ],
    [
      'POST /v1/users [B customer]',
      (id) => (tok) => platform.api.post('/v1/users', { name: 'X', role: 'client', customerId: id() }, tok),
      () => b.customerId,
    ],
    [
      'POST /v1/devices [B worker]',
      (id) => (tok) => platform.api.post('/v1/devices', { workerId: id(), name: 'X' }, tok),
      () => b.users.coworker.id,
    ],
    [
      'POST /v1/devices/{B device}/revoke',
      (id) => (tok) => platform.api.post(`/v1/devices/${id()}/revoke`, undefined, tok),
      () => B.deviceId,
    ],
    [
      'POST /v1/api-keys/{B key}/revoke',
      (id) => (tok) => platform.api.post(`/v1/api-keys/${id()}/revoke`, undefined, tok),
      () => B.apiKeyId,
    ],
  ];

  it.each(probes)(
    "%s answers A's admin exactly as for an id that does not exist (never 403, never 2xx)",
    async (_, probe, bId) => {
      const withB = await probe(bId)(a.admin.token);
      const withNothing = await probe(() => `${bId().split('_')[0]}_0000000000000000000000000000ffff`)(a.admin.token);

      expect(withB.status).not.toBe(403);
      expect(withB.status).toBeGreaterThanOrEqual(400);
      expect(shape(withB)).toEqual(shape(withNothing));
    },
  );

  it("keeps B's records out of every list of A, even when filtered by B's ids", async () => {
    const api = platform.api;
    const tok = a.admin.token;

    const users = await api.get('/v1/users?limit=100', tok);
    const byBCustomer = await api.get(`/v1/users?customerId=${b.customerId}`, tok);
    const customers = await api.get('/v1/customers?limit=100', tok);
    const invitations = await api.get('/v1/invitations?limit=100', tok);
    const devices = await api.get('/v1/devices?limit=100', tok);
    const byBWorker = await api.get(`/v1/devices?workerId=${b.users.coworker.id}`, tok);
    const keys = await api.get('/v1/api-keys?limit=100', tok);

    const bIds = [...Object.values(b.users).map((u) => u.id), b.customerId, B.invitationId, B.deviceId, B.apiKeyId];
    for (const list of [users, customers, invitations, devices, keys]) {
      expect(list.status).toBe(200);
      expect(ids(list).filter((id) => bIds.includes(id))).toEqual([]);
    }
    expect(ids(users)).toContain(a.users.dispatcher.id);
    expect(byBCustomer.body.items).toEqual([]);
    expect(byBWorker.body.items).toEqual([]);
  });

  it("shows and changes only A's own settings", async () => {
    const before = await platform.api.get('/v1/settings', b.admin.token);

    await platform.api.patch('/v1/settings', { taskNumberFormat: 'ALPHA-{n}' }, a.admin.token);

    expect((await platform.api.get('/v1/settings', a.admin.token)).body.taskNumberFormat).toBe('ALPHA-{n}');
    expect((await platform.api.get('/v1/settings', b.admin.token)).body).toEqual(before.body);
    expect(before.body.taskNumberFormat).toBe('BETA-{n}');
  });

  it("left B's data untouched after all those attempts", async () => {
    const user = await platform.api.get(`/v1/users/${b.users.dispatcher.id}`, b.admin.token);
    const customer = await platform.api.get(`/v1/customers/${b.customerId}`, b.admin.token);
    const devices = await platform.api.get('/v1/devices', b.admin.token);

    expect(user.body).toMatchObject({ name: 'dispatcher person', active: true });
    expect(customer.body).toMatchObject({ name: 'Customer Ltd', coworkerIds: [b.users.coworker.id] });
    expect(devices.body.items.find((d: { id: string }) => d.id === B.deviceId)).toMatchObject({ revoked: false });
  });

  it("does not let a token of A's be used to log into B or refresh there", async () => {
    const wrongTenant = await platform.api.post('/v1/auth/login', {
      tenant: b.slug,
      email: a.admin.email,
      password: 'e2e-password-1',
    });

    expect(wrongTenant.status).toBe(401);
  });
});
