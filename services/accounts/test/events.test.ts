// Every change reaches JetStream as an EventEnvelope on <prefix>.<tenant>.accounts.<type>, in commit order,
// and a refused command publishes nothing.

import { accountsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, req, signup, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('events');
});
afterAll(async () => {
  await h?.stop();
});

describe('events', () => {
  it('are published for every kind of change, in order, on per-tenant subjects', async () => {
    const { admin, tenant } = await signup(h.api, 'Events Co');
    const user = await h.api.users.createUser(req.createUser({ name: 'Uma', role: 'coworker' }), { caller: admin });
    await h.api.users.updateUser(req.updateUser({ id: user.id, phone: '555 0199' }), { caller: admin });
    await h.api.users.deactivateUser({ id: user.id }, { caller: admin });
    await h.api.users.activateUser({ id: user.id }, { caller: admin });
    await h.api.settings.updateSettings(req.updateSettings({ currency: 'EUR' }), { caller: admin });
    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'ev@example.com', role: 'dispatcher' }),
      {
        caller: admin,
      },
    );
    await h.api.invitations.resendInvitation({ id: invitation.id }, { caller: admin });
    const resent = await h.events.nextEvent(
      'invitation_resent',
      accountsEvents.InvitationSent,
      (p) => p.invitation?.id === invitation.id,
    );
    await h.api.invitations.acceptInvitation({ token: resent.payload.token, name: 'Eve', password: 'eve password' });
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'EV', name: 'Ev' }), {
      caller: admin,
    });
    await h.api.customers.updateCustomer(req.updateCustomer({ id: customer.id, slaHours: 4 }), { caller: admin });
    await h.api.customers.setCustomerCoworkers({ id: customer.id, userIds: [user.id] }, { caller: admin });
    const { device } = await h.api.devices.createDevice(req.createDevice({ workerId: user.id, name: 'P' }), {
      caller: admin,
    });
    await h.api.devices.revokeDevice({ id: device!.id }, { caller: admin });

    await h.events.nextEvent('device_revoked', accountsEvents.DeviceChanged, (p) => p.device?.id === device!.id);

    expect(h.events.typesOf(tenant!.id)).toEqual([
      'tenant_created',
      'user_created',
      'settings_updated',
      'user_created',
      'user_updated',
      'user_deactivated',
      'user_activated',
      'settings_updated',
      'invitation_created',
      'invitation_resent',
      'user_created',
      'invitation_accepted',
      'customer_created',
      'customer_updated',
      'customer_coworkers_changed',
      'device_created',
      'device_revoked',
    ]);
    h.events.envelopes.forEach((e, i) => {
      if (e.tenantId !== tenant!.id) return;
      expect(h.events.subjects[i]).toBe(`${h.prefix}.${tenant!.id}.accounts.${e.type}`);
      expect(e).toMatchObject({ producer: 'accounts', id: expect.stringMatching(/^evt_/) });
      expect(e.payloadType).toMatch(/^fieldline\.accounts\.v1\./);
    });
  });

  it('are not published for refused commands or commands that change nothing', async () => {
    const { admin, tenant, email } = await signup(h.api);
    await h.events.nextEvent(
      'settings_updated',
      accountsEvents.SettingsChanged,
      (p) => p.settings?.tenantId === tenant!.id,
    );
    const before = h.events.typesOf(tenant!.id).length;

    await failure(
      h.api.users.createUser(req.createUser({ name: 'Dup', role: 'dispatcher', email }), { caller: admin }),
    );
    await failure(h.api.users.deactivateUser({ id: admin.userId }, { caller: admin }));
    await h.api.users.updateUser(req.updateUser({ id: admin.userId, name: 'Ada Admin' }), { caller: admin });
    await h.api.settings.updateSettings(req.updateSettings({ currency: 'USD' }), { caller: admin });
    // The outbox publishes in commit order: once this one is in, any earlier one would be too.
    const marker = await h.api.customers.createCustomer(req.createCustomer({ code: 'MK', name: 'Marker' }), {
      caller: admin,
    });
    await h.events.nextEvent('customer_created', accountsEvents.CustomerChanged, (p) => p.customer?.id === marker.id);

    expect(h.events.typesOf(tenant!.id).slice(before)).toEqual(['customer_created']);
  });
});
