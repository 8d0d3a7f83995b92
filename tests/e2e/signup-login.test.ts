// Signing up a tenant, logging in, refreshing with rotation and reuse detection, logging out: over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Platform, startPlatform } from './support/platform.js';
import { login, PASSWORD, signupTenant } from './support/tenants.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.stop());

describe('signup and login', () => {
  it('signs up a tenant with its first admin, logged in at once', async () => {
    const res = await platform.api.post('/v1/signup', {
      companyName: 'Nordic Heating AB',
      name: 'Ada Admin',
      email: 'ada@nordic.test',
      password: PASSWORD,
    });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      tenant: { id: expect.any(String), slug: expect.stringMatching(/^nordic-heating/) },
      user: { id: expect.any(String), name: 'Ada Admin', email: 'ada@nordic.test', role: 'admin', active: true },
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^flr_/),
    });
    const me = await platform.api.get('/v1/me', res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: res.body.user.id }, tenant: { id: res.body.tenant.id } });
  });

  it('refuses a second signup with a malformed e-mail, naming the field', async () => {
    const res = await platform.api.post('/v1/signup', {
      companyName: 'X',
      name: 'Y',
      email: 'not-an-email',
      password: PASSWORD,
    });

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'email' });
  });

  it('refuses a weak password with the field named', async () => {
    const res = await platform.api.post('/v1/signup', {
      companyName: 'X',
      name: 'Y',
      email: 'y@x.test',
      password: 'short',
    });

    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('password');
  });

  it('logs in with tenant slug, e-mail and password; a wrong password is 401 saying nothing more', async () => {
    const tenant = await signupTenant(platform.api);

    const ok = await login(platform.api, tenant.slug, tenant.admin.email);
    const wrong = await login(platform.api, tenant.slug, tenant.admin.email, 'wrong-password');
    const otherTenant = await login(platform.api, 'no-such-tenant', tenant.admin.email);

    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      user: { id: tenant.admin.id },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(wrong.status).toBe(401);
    expect(otherTenant.status).toBe(401);
    expect(otherTenant.body.error.message).toBe(wrong.body.error.message);
  });
});

describe('refresh tokens', () => {
  it('rotates: a refresh gives a new pair and the old refresh token stops working', async () => {
    const { admin } = await signupTenant(platform.api);

    const first = await platform.api.post('/v1/auth/refresh', { refreshToken: admin.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(admin.refreshToken);
    expect((await platform.api.get('/v1/me', first.body.accessToken)).status).toBe(200);

    const again = await platform.api.post('/v1/auth/refresh', { refreshToken: admin.refreshToken });
    expect(again.status).toBe(401);
  });

  it('detects reuse: replaying a used refresh token revokes the whole family, the newest one included', async () => {
    const { admin } = await signupTenant(platform.api);
    const rotated = await platform.api.post('/v1/auth/refresh', { refreshToken: admin.refreshToken });

    const replay = await platform.api.post('/v1/auth/refresh', { refreshToken: admin.refreshToken });
    const newest = await platform.api.post('/v1/auth/refresh', { refreshToken: rotated.body.refreshToken });

    expect(replay.status).toBe(401);
    expect(newest.status).toBe(401);
  });

  it('logs out: the refresh token is revoked', async () => {
    const { admin } = await signupTenant(platform.api);

    const out = await platform.api.post('/v1/auth/logout', { refreshToken: admin.refreshToken });
    const after = await platform.api.post('/v1/auth/refresh', { refreshToken: admin.refreshToken });

    expect(out.status).toBe(204);
    expect(after.status).toBe(401);
  });
});
