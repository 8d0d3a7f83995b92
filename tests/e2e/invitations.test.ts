// The invitation lifecycle over real HTTP: invite, read the e-mailed token from the event, accept, expire, resend.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOUR, TestClock } from './support/clock.js';
import { invitationToken } from './support/events.js';
import { type Platform, startPlatform } from './support/platform.js';
import { createCustomer, createUser, login, PASSWORD, signupTenant, type Tenant } from './support/tenants.js';

const clock = new TestClock();
let platform: Platform;
let tenant: Tenant;

beforeAll(async () => {
  platform = await startPlatform({ clock: clock.now });
  tenant = await signupTenant(platform.api, 'Invites');
});
afterAll(() => platform?.stop());

const tokenOf = (
  invitationId: string,
  extra: { type?: 'invitation_created' | 'invitation_resent'; not?: string[] } = {},
) =>
  invitationToken({ natsUrl: platform.natsUrl, prefix: platform.prefix, tenantId: tenant.id, invitationId, ...extra });

async function invite(email: string, body: Record<string, unknown> = {}, token = tenant.admin.token) {
  return platform.api.post('/v1/invitations', { email, role: 'dispatcher', ...body }, token);
}

describe('invitations', () => {
  it('invites, and the invitee accepts with the e-mailed token: a user exists and is logged in', async () => {
    const created = await invite('dora@invites.test');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      status: 'pending',
      role: 'dispatcher',
      expiresAt: expect.any(String),
    });
    const token = await tokenOf(created.body.id);

    const accepted = await platform.api.post('/v1/invitations/accept', {
      token,
      name: 'Dora Dispatcher',
      password: PASSWORD,
    });

    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      user: { name: 'Dora Dispatcher', email: 'dora@invites.test', role: 'dispatcher', active: true },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect((await login(platform.api, tenant.slug, 'dora@invites.test')).status).toBe(200);
    const registered = await platform.api.get('/v1/invitations?status=registered', tenant.admin.token);
    expect(registered.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);
  });

  it('accepts a token once only', async () => {
    const created = await invite('once@invites.test');
    const token = await tokenOf(created.body.id);
    await platform.api.post('/v1/invitations/accept', { token, name: 'Once', password: PASSWORD });

    const again = await platform.api.post('/v1/invitations/accept', { token, name: 'Twice', password: PASSWORD });

    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  it('refuses an unknown token without a 500', async () => {
    const res = await platform.api.post('/v1/invitations/accept', { token: 'fli_nope', name: 'X', password: PASSWORD });

    expect([400, 401, 404]).toContain(res.status);
    expect(res.body.error.code).toEqual(expect.any(String));
  });

  it('lets an invitation expire, lists it as expired, and a resend brings a fresh token that works', async () => {
    const created = await invite('late@invites.test');
    const oldToken = await tokenOf(created.body.id);

    clock.advance(24 * 30 * HOUR);
    const expired = await platform.api.get('/v1/invitations?status=expired', tenant.admin.token);
    const tooLate = await platform.api.post('/v1/invitations/accept', {
      token: oldToken,
      name: 'Late',
      password: PASSWORD,
    });

    expect(expired.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error.code).toBe('INVITATION_EXPIRED');

    const resent = await platform.api.post(`/v1/invitations/${created.body.id}/resend`, undefined, tenant.admin.token);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id: created.body.id, status: 'pending' });
    expect(new Date(resent.body.expiresAt).getTime()).toBeGreaterThan(clock.now().getTime());
    const newToken = await tokenOf(created.body.id, { type: 'invitation_resent', not: [oldToken] });

    const accepted = await platform.api.post('/v1/invitations/accept', {
      token: newToken,
      name: 'Late',
      password: PASSWORD,
    });
    expect(accepted.status).toBe(200);
  });

  it('filters the list by status and pages through it', async () => {
    for (const name of ['p1', 'p2', 'p3']) expect((await invite(`${name}@invites.test`)).status).toBe(201);

    const first = await platform.api.get('/v1/invitations?status=pending&limit=2', tenant.admin.token);
    const second = await platform.api.get(
      `/v1/invitations?status=pending&limit=2&cursor=${first.body.nextCursor}`,
      tenant.admin.token,
    );

    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(second.body.items.length).toBeGreaterThanOrEqual(1);
    const ids = [...first.body.items, ...second.body.items].map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const i of [...first.body.items, ...second.body.items]) expect(i.status).toBe('pending');
  });

  it('lets a client invite a guest of its own customer, and no one else', async () => {
    const customer = await createCustomer(platform.api, tenant.admin.token);
    const other = await createCustomer(platform.api, tenant.admin.token);
    const client = await createUser(platform.api, tenant, 'client', { customerId: customer.id });

    const guest = await invite('g1@invites.test', { role: 'guest', customerId: customer.id }, client.token);
    const otherGuest = await invite('g2@invites.test', { role: 'guest', customerId: other.id }, client.token);
    const dispatcher = await invite('d1@invites.test', { role: 'dispatcher' }, client.token);

    expect(guest.status).toBe(201);
    expect([403, 404]).toContain(otherGuest.status);
    expect(dispatcher.status).toBe(403);
  });
});
