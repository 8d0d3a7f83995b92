// Bad input on every RPC: INVALID_ARGUMENT naming the field by its public (camelCase JSON) name, nothing written.

import type { Caller } from '@fieldline/platform';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, req, signup, startHarness } from './harness.js';

let h: Harness;
let admin: Caller;
let customerId: string;
let workerId: string;

beforeAll(async () => {
  h = await startHarness('validation');
  admin = (await signup(h.api, 'Validation Co')).admin;
  customerId = (
    await h.api.customers.createCustomer(req.createCustomer({ code: 'VA', name: 'Valid' }), { caller: admin })
  ).id;
  workerId = (await h.api.users.createUser(req.createUser({ name: 'Worker', role: 'coworker' }), { caller: admin })).id;
});
afterAll(async () => {
  await h?.stop();
});

const site = { id: '', name: 'Site', address: '', lat: 10, lng: 10 };
const signupOk = { companyName: 'Co', name: 'Ann', email: 'ann@example.com', password: 'long enough' };

const cases: [string, () => Promise<unknown>, string][] = [
  // identity
  ['signup without companyName', () => h.api.identity.signup({ ...signupOk, companyName: '  ' }), 'companyName'],
  ['signup with a 201-character name', () => h.api.identity.signup({ ...signupOk, name: 'x'.repeat(201) }), 'name'],
  ['signup with a malformed email', () => h.api.identity.signup({ ...signupOk, email: 'ann@' }), 'email'],
  [
    'signup with a 255-character email',
    () => h.api.identity.signup({ ...signupOk, email: `${'a'.repeat(243)}@example.com` }),
    'email',
  ],
  ['signup with a short password', () => h.api.identity.signup({ ...signupOk, password: 'short' }), 'password'],
  [
    'signup with a name holding a control character',
    () => h.api.identity.signup({ ...signupOk, name: 'A\u0000B' }),
    'name',
  ],
  [
    'login without tenant',
    () => h.api.identity.login({ tenantSlug: '', email: 'a@example.com', password: 'x' }),
    'tenant',
  ],
  [
    'login with a malformed email',
    () => h.api.identity.login({ tenantSlug: 'co', email: 'nope', password: 'x' }),
    'email',
  ],
  [
    'login without password',
    () => h.api.identity.login({ tenantSlug: 'co', email: 'a@example.com', password: '' }),
    'password',
  ],
  ['refresh without a token', () => h.api.identity.refresh({ refreshToken: '' }), 'refreshToken'],
  ['logout without a token', () => h.api.identity.logout({ refreshToken: '' }), 'refreshToken'],
  [
    'authenticate with an empty credential',
    () => h.api.identity.authenticate({ credential: { $case: 'apiKey', value: '' } }),
    'credential',
  ],
  // users
  [
    'createUser with an unknown role',
    () => h.api.users.createUser(req.createUser({ name: 'X', role: 'superuser' }), { caller: admin }),
    'role',
  ],
  [
    'createUser without name',
    () => h.api.users.createUser(req.createUser({ name: '', role: 'coworker' }), { caller: admin }),
    'name',
  ],
  [
    'createUser with a bad email',
    () =>
      h.api.users.createUser(req.createUser({ name: 'X', role: 'coworker', email: 'x y@z.com' }), { caller: admin }),
    'email',
  ],
  [
    'createUser with a short password',
    () => h.api.users.createUser(req.createUser({ name: 'X', role: 'coworker', password: 'abc' }), { caller: admin }),
    'password',
  ],
  [
    'createUser with a phone of letters',
    () => h.api.users.createUser(req.createUser({ name: 'X', role: 'coworker', phone: 'call me' }), { caller: admin }),
    'phone',
  ],
  [
    'createUser of a guest without customer',
    () => h.api.users.createUser(req.createUser({ name: 'X', role: 'guest' }), { caller: admin }),
    'customerId',
  ],
  [
    'listUsers with active=maybe',
    () => h.api.users.listUsers(req.listUsers({ active: 'maybe' }), { caller: admin }),
    'active',
  ],
  [
    'listUsers with an unknown role',
    () => h.api.users.listUsers(req.listUsers({ role: 'boss' }), { caller: admin }),
    'role',
  ],
  [
    'listUsers with limit 201',
    () => h.api.users.listUsers(req.listUsers({ page: { limit: 201, cursor: '' } }), { caller: admin }),
    'limit',
  ],
  [
    'listUsers with a made-up cursor',
    () => h.api.users.listUsers(req.listUsers({ page: { limit: 0, cursor: 'abc' } }), { caller: admin }),
    'cursor',
  ],
  ['getUser without id', () => h.api.users.getUser({ id: '' }, { caller: admin }), 'id'],
  [
    'updateUser with an empty name',
    () => h.api.users.updateUser(req.updateUser({ id: admin.userId, name: ' ' }), { caller: admin }),
    'name',
  ],
  [
    'updateUser with an unknown role',
    () => h.api.users.updateUser(req.updateUser({ id: admin.userId, role: 'root' }), { caller: admin }),
    'role',
  ],
  [
    'updateUser with a negative version',
    () => h.api.users.updateUser(req.updateUser({ id: admin.userId, name: 'A', version: -1 }), { caller: admin }),
    'version',
  ],
  ['deactivateUser without id', () => h.api.users.deactivateUser({ id: '' }, { caller: admin }), 'id'],
  // invitations
  [
    'createInvitation without email',
    () => h.api.invitations.createInvitation(req.invite({ role: 'coworker' }), { caller: admin }),
    'email',
  ],
  [
    'createInvitation with an unknown role',
    () => h.api.invitations.createInvitation(req.invite({ email: 'i@example.com', role: 'owner' }), { caller: admin }),
    'role',
  ],
  [
    'createInvitation of a client without customer',
    () => h.api.invitations.createInvitation(req.invite({ email: 'i@example.com', role: 'client' }), { caller: admin }),
    'customerId',
  ],
  [
    'createInvitation of staff with a customer',
    () =>
      h.api.invitations.createInvitation(req.invite({ email: 'i@example.com', role: 'dispatcher', customerId }), {
        caller: admin,
      }),
    'customerId',
  ],
  [
    'listInvitations with an unknown status',
    () => h.api.invitations.listInvitations(req.listInvitations({ status: 'lost' }), { caller: admin }),
    'status',
  ],
  ['resendInvitation without id', () => h.api.invitations.resendInvitation({ id: '' }, { caller: admin }), 'id'],
  [
    'acceptInvitation without token',
    () => h.api.invitations.acceptInvitation({ token: '', name: 'A', password: 'long enough' }),
    'token',
  ],
  [
    'acceptInvitation with a short password',
    () => h.api.invitations.acceptInvitation({ token: 'fli_x', name: 'A', password: 'short' }),
    'password',
  ],
  // customers
  [
    'createCustomer with a one-letter code',
    () => h.api.customers.createCustomer(req.createCustomer({ code: 'A', name: 'N' }), { caller: admin }),
    'code',
  ],
  [
    'createCustomer with an underscore in the code',
    () => h.api.customers.createCustomer(req.createCustomer({ code: 'A_B', name: 'N' }), { caller: admin }),
    'code',
  ],
  [
    'createCustomer without name',
    () => h.api.customers.createCustomer(req.createCustomer({ code: 'AB', name: '' }), { caller: admin }),
    'name',
  ],
  [
    'createCustomer with slaHours above a year',
    () =>
      h.api.customers.createCustomer(req.createCustomer({ code: 'AB', name: 'N', slaHours: 8761 }), { caller: admin }),
    'slaHours',
  ],
  [
    'createCustomer with negative slaHours',
    () =>
      h.api.customers.createCustomer(req.createCustomer({ code: 'AB', name: 'N', slaHours: -1 }), { caller: admin }),
    'slaHours',
  ],
  [
    'createCustomer with a bad email',
    () => h.api.customers.createCustomer(req.createCustomer({ code: 'AB', name: 'N', email: 'no' }), { caller: admin }),
    'email',
  ],
  [
    'createCustomer with a latitude of 91',
    () =>
      h.api.customers.createCustomer(req.createCustomer({ code: 'AB', name: 'N', sites: [{ ...site, lat: 91 }] }), {
        caller: admin,
      }),
    'sites[0].lat',
  ],
  [
    'createCustomer with a NaN longitude',
    () =>
      h.api.customers.createCustomer(
        req.createCustomer({ code: 'AB', name: 'N', sites: [site, { ...site, lng: Number.NaN }] }),
        { caller: admin },
      ),
    'sites[1].lng',
  ],
  [
    'createCustomer with an unnamed site',
    () =>
      h.api.customers.createCustomer(req.createCustomer({ code: 'AB', name: 'N', sites: [{ ...site, name: '' }] }), {
        caller: admin,
      }),
    'sites[0].name',
  ],
  [
    'createCustomer with a bad contact email',
    () =>
      h.api.customers.createCustomer(
        req.createCustomer({
          code: 'AB',
          name: 'N',
          contacts: [{ id: '', name: 'C', email: 'c@', phone: '', title: '' }],
        }),
        { caller: admin },
      ),
    'contacts[0].email',
  ],
  [
    'updateCustomer with an infinite latitude',
    () =>
      h.api.customers.updateCustomer(
        req.updateCustomer({ id: customerId, sites: { sites: [{ ...site, lat: Number.POSITIVE_INFINITY }] } }),
        { caller: admin },
      ),
    'sites[0].lat',
  ],
  [
    'updateCustomer with a bad code',
    () =>
      h.api.customers.updateCustomer(req.updateCustomer({ id: customerId, code: 'TOO-LONG-CODE-1234' }), {
        caller: admin,
      }),
    'code',
  ],
  ['getCustomer without id', () => h.api.customers.getCustomer({ id: '' }, { caller: admin }), 'id'],
  [
    'setCustomerCoworkers with an empty user id',
    () => h.api.customers.setCustomerCoworkers({ id: customerId, userIds: [workerId, ''] }, { caller: admin }),
    'userIds[1]',
  ],
  // devices
  [
    'createDevice without workerId',
    () => h.api.devices.createDevice(req.createDevice({ name: 'P' }), { caller: admin }),
    'workerId',
  ],
  [
    'createDevice without name',
    () => h.api.devices.createDevice(req.createDevice({ workerId, name: '' }), { caller: admin }),
    'name',
  ],
  [
    'createDevice with a 3-character uniqueId',
    () => h.api.devices.createDevice(req.createDevice({ workerId, name: 'P', uniqueId: 'abc' }), { caller: admin }),
    'uniqueId',
  ],
  [
    'createDevice with a space in uniqueId',
    () => h.api.devices.createDevice(req.createDevice({ workerId, name: 'P', uniqueId: 'ab cd' }), { caller: admin }),
    'uniqueId',
  ],
  [
    'listDevices with a negative limit',
    () => h.api.devices.listDevices(req.listDevices({ page: { limit: -1, cursor: '' } }), { caller: admin }),
    'limit',
  ],
  ['revokeDevice without id', () => h.api.devices.revokeDevice({ id: '' }, { caller: admin }), 'id'],
  // API keys
  [
    'createApiKey without name',
    () => h.api.apiKeys.createApiKey(req.createApiKey({ name: '' }), { caller: admin }),
    'name',
  ],
  [
    'createApiKey with the guest role',
    () => h.api.apiKeys.createApiKey(req.createApiKey({ name: 'K', role: 'guest' }), { caller: admin }),
    'role',
  ],
  ['revokeApiKey without id', () => h.api.apiKeys.revokeApiKey({ id: '' }, { caller: admin }), 'id'],
];

describe('bad input', () => {
  it.each(cases)('%s → INVALID_ARGUMENT naming the field', async (_, call, field) => {
    const res = await failure(call());

    expect(res).toMatchObject({ kind: 'invalid_argument', field });
  });

  it('writes nothing when refused', async () => {
    const users = await h.api.users.listUsers(req.listUsers(), { caller: admin });
    const customers = await h.api.customers.listCustomers(req.listCustomers(), { caller: admin });

    expect(users.users.map((u) => u.name).sort()).toEqual(['Ada Admin', 'Worker']);
    expect(customers.customers.map((c) => c.code)).toEqual(['VA']);
  });
});
