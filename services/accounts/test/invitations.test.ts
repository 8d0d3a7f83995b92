// The invitation lifecycle over gRPC: the token travels on JetStream, is single-use, expires, and is replaced on resend.

import { accountsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callerOf, failure, type Harness, req, signup, startHarness } from './harness.js';

const HOUR = 3600 * 1000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness('invitations');
});
afterAll(async () => {
  await h?.stop();
});

/** The plain token of the latest invitation_created / invitation_resent event for this invitation. */
async function tokenOf(invitationId: string, type = 'invitation_created', sendCount = 1) {
  const { payload } = await h.events.nextEvent(
    type,
    accountsEvents.InvitationSent,
    (p) => p.invitation?.id === invitationId && p.invitation.sendCount === sendCount,
  );
  return payload;
}

describe('an invitation', () => {
  it('is created pending, and its event carries the token, the tenant name and the inviter name', async () => {
    const { admin, tenant } = await signup(h.api, 'Inviting Inc');
    const before = h.clock.now();

    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'New.Hire@Example.com', role: 'dispatcher', name: 'Nina' }),
      { caller: admin },
    );

    expect(invitation).toMatchObject({
      status: 'pending',
      email: 'new.hire@example.com',
      role: 'dispatcher',
      sendCount: 1,
    });
    expect(invitation.expiresAt!.getTime() - before.getTime()).toBeGreaterThanOrEqual(72 * HOUR - 1000);
    expect(invitation.expiresAt!.getTime() - before.getTime()).toBeLessThanOrEqual(72 * HOUR + 60_000);
    const sent = await tokenOf(invitation.id);
    expect(sent.token).toMatch(/^fli_/);
    expect(sent.tenantName).toBe(tenant!.name);
    expect(sent.inviterName).toBe('Ada Admin');
  });

  it('is accepted once with its token: the user exists with the invited role and the invitation is registered', async () => {
    const { admin, tenant } = await signup(h.api);
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'CU', name: 'Cust' }), {
      caller: admin,
    });
    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'client@example.com', role: 'client', customerId: customer.id }),
      { caller: admin },
    );
    const { token } = await tokenOf(invitation.id);

    const accepted = await h.api.invitations.acceptInvitation({
      token,
      name: 'Cleo Client',
      password: 'cleo password',
    });
    const again = await failure(
      h.api.invitations.acceptInvitation({ token, name: 'Cleo Again', password: 'cleo password' }),
    );

    expect(accepted.user).toMatchObject({
      role: 'client',
      customerId: customer.id,
      email: 'client@example.com',
      active: true,
    });
    expect(accepted.tokens!.refreshToken).toMatch(/^flr_/);
    expect(again).toMatchObject({ kind: 'not_found', code: 'INVITATION_NOT_FOUND' });
    const registered = await h.api.invitations.listInvitations(req.listInvitations({ status: 'registered' }), {
      caller: admin,
    });
    expect(registered.invitations.map((i) => [i.id, i.userId])).toEqual([[invitation.id, accepted.user!.id]]);
    await h.api.identity.login({ tenantSlug: tenant!.slug, email: 'client@example.com', password: 'cleo password' });
    const event = await h.events.nextEvent(
      'invitation_accepted',
      accountsEvents.InvitationAccepted,
      (p) => p.invitation?.id === invitation.id,
    );
    expect(event.payload.user!.id).toBe(accepted.user!.id);
  });

  it('expires after the tenant’s invitation lifetime, and a new one may then be sent to the same address', async () => {
    const { admin } = await signup(h.api);
    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'late@example.com', role: 'coworker' }),
      {
        caller: admin,
      },
    );
    const { token } = await tokenOf(invitation.id);

    h.clock.advance(73 * HOUR);

    expect(
      await failure(h.api.invitations.acceptInvitation({ token, name: 'Late', password: 'late password' })),
    ).toMatchObject({
      kind: 'failed_precondition',
      code: 'INVITATION_EXPIRED',
    });
    const expired = await h.api.invitations.listInvitations(req.listInvitations({ status: 'expired' }), {
      caller: admin,
    });
    expect(expired.invitations.map((i) => i.id)).toEqual([invitation.id]);
    const renewed = await h.api.invitations.createInvitation(
      req.invite({ email: 'late@example.com', role: 'coworker' }),
      {
        caller: admin,
      },
    );
    expect(renewed.status).toBe('pending');
    const pending = await h.api.invitations.listInvitations(req.listInvitations({ status: 'pending' }), {
      caller: admin,
    });
    expect(pending.invitations.map((i) => i.id)).toEqual([renewed.id]);
  });

  it('follows the tenant’s own invitationTtlHours', async () => {
    const { admin } = await signup(h.api);
    await h.api.settings.updateSettings(req.updateSettings({ invitationTtlHours: 2 }), { caller: admin });
    const now = h.clock.now();

    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'quick@example.com', role: 'coworker' }),
      {
        caller: admin,
      },
    );

    expect(invitation.expiresAt!.getTime() - now.getTime()).toBeLessThanOrEqual(2 * HOUR + 60_000);
    h.clock.advance(3 * HOUR);
    const listed = await h.api.invitations.listInvitations(req.listInvitations(), { caller: admin });
    expect(listed.invitations.find((i) => i.id === invitation.id)!.status).toBe('expired');
  });

  it('is resent with a renewed expiry and a new token; the old token stops working', async () => {
    const { admin } = await signup(h.api);
    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'resend@example.com', role: 'coworker' }),
      {
        caller: admin,
      },
    );
    const first = await tokenOf(invitation.id);
    h.clock.advance(70 * HOUR);

    const resent = await h.api.invitations.resendInvitation({ id: invitation.id }, { caller: admin });
    const second = await tokenOf(invitation.id, 'invitation_resent', 2);
    h.clock.advance(10 * HOUR); // past the first expiry, well within the renewed one

    expect(resent.sendCount).toBe(2);
    expect(resent.expiresAt!.getTime()).toBeGreaterThan(invitation.expiresAt!.getTime());
    expect(second.token).not.toBe(first.token);
    expect(
      await failure(h.api.invitations.acceptInvitation({ token: first.token, name: 'Old', password: 'old password' })),
    ).toMatchObject({ code: 'INVITATION_NOT_FOUND' });
    const accepted = await h.api.invitations.acceptInvitation({
      token: second.token,
      name: 'New',
      password: 'new password',
    });
    expect(accepted.user!.role).toBe('coworker');
  });

  it('brings an expired invitation back to life when resent', async () => {
    const { admin } = await signup(h.api);
    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'revive@example.com', role: 'coworker' }),
      {
        caller: admin,
      },
    );
    h.clock.advance(100 * HOUR);

    const resent = await h.api.invitations.resendInvitation({ id: invitation.id }, { caller: admin });

    expect(resent.status).toBe('pending');
  });
});

describe('refusals', () => {
  it('EMAIL_TAKEN for an address of an existing user, INVITATION_PENDING for one already invited', async () => {
    const { admin, email } = await signup(h.api);
    await h.api.invitations.createInvitation(req.invite({ email: 'twice@example.com', role: 'coworker' }), {
      caller: admin,
    });

    const taken = await failure(
      h.api.invitations.createInvitation(req.invite({ email, role: 'coworker' }), { caller: admin }),
    );
    const pending = await failure(
      h.api.invitations.createInvitation(req.invite({ email: 'TWICE@example.com', role: 'dispatcher' }), {
        caller: admin,
      }),
    );

    expect(taken).toMatchObject({ kind: 'conflict', code: 'EMAIL_TAKEN', field: 'email' });
    expect(pending).toMatchObject({ kind: 'conflict', code: 'INVITATION_PENDING', field: 'email' });
  });

  it('lets only one of two concurrent invitations to the same address through', async () => {
    const { admin } = await signup(h.api);

    const results = await Promise.allSettled([
      h.api.invitations.createInvitation(req.invite({ email: 'race@example.com', role: 'coworker' }), {
        caller: admin,
      }),
      h.api.invitations.createInvitation(req.invite({ email: 'race@example.com', role: 'dispatcher' }), {
        caller: admin,
      }),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(await failure(Promise.reject(lost.reason))).toMatchObject({ code: 'INVITATION_PENDING' });
  });

  it('accepts a token once even when two acceptances race', async () => {
    const { admin } = await signup(h.api);
    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'twin@example.com', role: 'coworker' }),
      {
        caller: admin,
      },
    );
    const { token } = await tokenOf(invitation.id);

    const results = await Promise.allSettled([
      h.api.invitations.acceptInvitation({ token, name: 'One', password: 'one password' }),
      h.api.invitations.acceptInvitation({ token, name: 'Two', password: 'two password' }),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const users = await h.api.users.listUsers(req.listUsers({ q: 'twin@example.com' }), { caller: admin });
    expect(users.users).toHaveLength(1);
  });

  it('a resend of an accepted invitation', async () => {
    const { admin } = await signup(h.api);
    const invitation = await h.api.invitations.createInvitation(
      req.invite({ email: 'done@example.com', role: 'coworker' }),
      {
        caller: admin,
      },
    );
    const { token } = await tokenOf(invitation.id);
    await h.api.invitations.acceptInvitation({ token, name: 'Done', password: 'done password' });

    const res = await failure(h.api.invitations.resendInvitation({ id: invitation.id }, { caller: admin }));

    expect(res).toMatchObject({ kind: 'failed_precondition', code: 'INVITATION_REGISTERED' });
  });

  it('an unknown token', async () => {
    const res = await failure(
      h.api.invitations.acceptInvitation({ token: 'fli_nope', name: 'X', password: 'x password' }),
    );

    expect(res).toMatchObject({ kind: 'not_found', code: 'INVITATION_NOT_FOUND' });
  });
});

describe('who may invite whom', () => {
  it('a dispatcher invites workers and clients but no admin', async () => {
    const { admin } = await signup(h.api);
    const dispatcher = callerOf(
      await h.api.users.createUser(req.createUser({ name: 'Dee', role: 'dispatcher' }), { caller: admin }),
    );

    await h.api.invitations.createInvitation(req.invite({ email: 'w@example.com', role: 'coworker' }), {
      caller: dispatcher,
    });
    const res = await failure(
      h.api.invitations.createInvitation(req.invite({ email: 'a@example.com', role: 'admin' }), { caller: dispatcher }),
    );

    expect(res.kind).toBe('permission_denied');
  });

  it('a client invites guests of its own customer only; a coworker guests of its assigned customers only', async () => {
    const { admin } = await signup(h.api);
    const mine = await h.api.customers.createCustomer(req.createCustomer({ code: 'MI', name: 'Mine' }), {
      caller: admin,
    });
    const theirs = await h.api.customers.createCustomer(req.createCustomer({ code: 'TH', name: 'Theirs' }), {
      caller: admin,
    });
    const client = callerOf(
      await h.api.users.createUser(req.createUser({ name: 'Cli', role: 'client', customerId: mine.id }), {
        caller: admin,
      }),
    );
    const worker = await h.api.users.createUser(req.createUser({ name: 'Wor', role: 'coworker' }), { caller: admin });
    await h.api.customers.setCustomerCoworkers({ id: mine.id, userIds: [worker.id] }, { caller: admin });

    const byClient = await h.api.invitations.createInvitation(
      req.invite({ email: 'g1@example.com', role: 'guest', customerId: mine.id }),
      { caller: client },
    );
    const byWorker = await h.api.invitations.createInvitation(
      req.invite({ email: 'g2@example.com', role: 'guest', customerId: mine.id }),
      { caller: callerOf(worker) },
    );
    const clientElsewhere = await failure(
      h.api.invitations.createInvitation(
        req.invite({ email: 'g3@example.com', role: 'guest', customerId: theirs.id }),
        {
          caller: client,
        },
      ),
    );
    const workerElsewhere = await failure(
      h.api.invitations.createInvitation(
        req.invite({ email: 'g4@example.com', role: 'guest', customerId: theirs.id }),
        {
          caller: callerOf(worker),
        },
      ),
    );
    const clientInvitesStaff = await failure(
      h.api.invitations.createInvitation(req.invite({ email: 'g5@example.com', role: 'coworker' }), { caller: client }),
    );

    expect([byClient.status, byWorker.status]).toEqual(['pending', 'pending']);
    expect([clientElsewhere.kind, workerElsewhere.kind, clientInvitesStaff.kind]).toEqual([
      'permission_denied',
      'permission_denied',
      'permission_denied',
    ]);
  });
});
