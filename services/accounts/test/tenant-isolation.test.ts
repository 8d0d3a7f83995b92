// Tenant isolation: with ids of tenant B in hand, an admin of tenant A finds nothing and changes nothing.

import type { Caller } from '@fieldline/platform';
import { accountsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, req, signup, startHarness } from './harness.js';

let h: Harness;
let a: Caller;
let b: Caller;
const ofB = { userId: '', customerId: '', invitationId: '', deviceId: '', apiKeyId: '', invitationToken: '' };

beforeAll(async () => {
  h = await startHarness('isolation');
  a = (await signup(h.api, 'Tenant A')).admin;
  b = (await signup(h.api, 'Tenant B')).admin;
  const worker = await h.api.users.createUser(
    req.createUser({ name: 'B worker', role: 'coworker', email: 'bw@example.com' }),
    {
      caller: b,
    },
  );
  const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'BC', name: 'B customer' }), {
    caller: b,
  });
  const invitation = await h.api.invitations.createInvitation(
    req.invite({ email: 'b-invitee@example.com', role: 'coworker' }),
    {
      caller: b,
    },
  );
  const { device } = await h.api.devices.createDevice(req.createDevice({ workerId: worker.id, name: 'B phone' }), {
    caller: b,
  });
  const { apiKey } = await h.api.apiKeys.createApiKey(req.createApiKey({ name: 'B key' }), { caller: b });
  const sent = await h.events.nextEvent(
    'invitation_created',
    accountsEvents.InvitationSent,
    (p) => p.invitation?.id === invitation.id,
  );
  Object.assign(ofB, {
    userId: worker.id,
    customerId: customer.id,
    invitationId: invitation.id,
    deviceId: device!.id,
    apiKeyId: apiKey!.id,
    invitationToken: sent.payload.token,
  });
});
afterAll(async () => {
  await h?.stop();
});

describe('an admin of tenant A, holding tenant B ids', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['gets B’s user', () => h.api.users.getUser({ id: ofB.userId }, { caller: a })],
    ['updates B’s user', () => h.api.users.updateUser(req.updateUser({ id: ofB.userId, name: 'Mine' }), { caller: a })],
    ['deactivates B’s user', () => h.api.users.deactivateUser({ id: ofB.userId }, { caller: a })],
    ['activates B’s user', () => h.api.users.activateUser({ id: ofB.userId }, { caller: a })],
    ['gets B’s customer', () => h.api.customers.getCustomer({ id: ofB.customerId }, { caller: a })],
    [
      'updates B’s customer',
      () => h.api.customers.updateCustomer(req.updateCustomer({ id: ofB.customerId, name: 'Mine' }), { caller: a }),
    ],
    [
      'sets B’s customer coworkers',
      () => h.api.customers.setCustomerCoworkers({ id: ofB.customerId, userIds: [] }, { caller: a }),
    ],
    ['resends B’s invitation', () => h.api.invitations.resendInvitation({ id: ofB.invitationId }, { caller: a })],
    ['revokes B’s device', () => h.api.devices.revokeDevice({ id: ofB.deviceId }, { caller: a })],
    ['revokes B’s API key', () => h.api.apiKeys.revokeApiKey({ id: ofB.apiKeyId }, { caller: a })],
  ])('%s: NOT_FOUND', async (_, call) => {
    expect((await failure(call())).kind).toBe('not_found');
  });

  it.each<[string, () => Promise<unknown>]>([
    [
      'makes B’s customer the customer of a client',
      () =>
        h.api.users.createUser(req.createUser({ name: 'C', role: 'client', customerId: ofB.customerId }), {
          caller: a,
        }),
    ],
    [
      'invites a guest of B’s customer',
      () =>
        h.api.invitations.createInvitation(
          req.invite({ email: 'g@example.com', role: 'guest', customerId: ofB.customerId }),
          {
            caller: a,
          },
        ),
    ],
    [
      'registers a device for B’s worker',
      () => h.api.devices.createDevice(req.createDevice({ workerId: ofB.userId, name: 'P' }), { caller: a }),
    ],
  ])('%s: INVALID_ARGUMENT, as if the id did not exist', async (_, call) => {
    expect((await failure(call())).kind).toBe('invalid_argument');
  });

  it('sees none of B’s users, customers, invitations, devices or API keys in lists', async () => {
    const users = await h.api.users.listUsers(req.listUsers(), { caller: a });
    const byCustomer = await h.api.users.listUsers(req.listUsers({ customerId: ofB.customerId }), { caller: a });
    const customers = await h.api.customers.listCustomers(req.listCustomers(), { caller: a });
    const invitations = await h.api.invitations.listInvitations(req.listInvitations(), { caller: a });
    const devices = await h.api.devices.listDevices(req.listDevices({ workerId: ofB.userId }), { caller: a });
    const keys = await h.api.apiKeys.listApiKeys({ page: undefined }, { caller: a });

    expect(users.users.map((u) => u.tenantId)).toEqual([a.tenantId]);
    expect(byCustomer.users).toEqual([]);
    expect(customers.customers).toEqual([]);
    expect(invitations.invitations).toEqual([]);
    expect(devices.devices).toEqual([]);
    expect(keys.apiKeys).toEqual([]);
  });

  it('reads and changes only A’s settings', async () => {
    const before = await h.api.settings.getSettings({}, { caller: b });

    const mine = await h.api.settings.updateSettings(req.updateSettings({ currency: 'EUR' }), { caller: a });

    expect(mine.tenantId).toBe(a.tenantId);
    expect(await h.api.settings.getSettings({}, { caller: b })).toEqual(before);
  });

  it('cannot act in B by claiming B’s tenant with A’s user id', async () => {
    const res = await failure(h.api.users.listUsers(req.listUsers(), { caller: { ...a, tenantId: b.tenantId } }));

    expect(res.kind).toBe('unauthenticated');
  });

  it('leaves B’s data intact: B’s invitation is still pending and acceptable', async () => {
    const accepted = await h.api.invitations.acceptInvitation({
      token: ofB.invitationToken,
      name: 'B invitee',
      password: 'b password',
    });

    expect(accepted.user!.tenantId).toBe(b.tenantId);
    expect((await h.api.users.getUser({ id: ofB.userId }, { caller: b })).name).toBe('B worker');
  });
});
