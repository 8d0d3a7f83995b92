// Deactivating a user cuts every way in at once (access token, refresh token, device); activating restores it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Platform, startPlatform } from './support/platform.js';
import { createUser, login, signupTenant, type Tenant } from './support/tenants.js';

let platform: Platform;
let tenant: Tenant;
beforeAll(async () => {
  platform = await startPlatform();
  tenant = await signupTenant(platform.api, 'Deact');
});
afterAll(() => platform?.stop());

describe('deactivation', () => {
  it("cuts the user's still-valid access token, refresh token and devices at once", async () => {
    const dispatcher = await createUser(platform.api, tenant, 'dispatcher');
    const worker = await createUser(platform.api, tenant, 'coworker');
    const device = await platform.api.post('/v1/devices', { workerId: worker.id, name: 'phone' }, tenant.admin.token);
    expect((await platform.api.get('/v1/me', device.body.token)).status).toBe(200);
    expect((await platform.api.get('/v1/users', dispatcher.token)).status).toBe(200);

    const off = await platform.api.post(`/v1/users/${dispatcher.id}/deactivate`, undefined, tenant.admin.token);
    const offWorker = await platform.api.post(`/v1/users/${worker.id}/deactivate`, undefined, tenant.admin.token);

    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect(offWorker.status).toBe(200);
    expect((await platform.api.get('/v1/me', dispatcher.token)).status).toBe(401);
    expect((await platform.api.get('/v1/users', dispatcher.token)).status).toBe(401);
    expect((await platform.api.post('/v1/auth/refresh', { refreshToken: dispatcher.refreshToken })).status).toBe(401);
    expect((await login(platform.api, tenant.slug, dispatcher.email)).status).toBe(401);
    expect((await platform.api.get('/v1/me', device.body.token)).status).toBe(401);
  });

  it('lets the user in again once activated', async () => {
    const dispatcher = await createUser(platform.api, tenant, 'dispatcher');
    await platform.api.post(`/v1/users/${dispatcher.id}/deactivate`, undefined, tenant.admin.token);

    const on = await platform.api.post(`/v1/users/${dispatcher.id}/activate`, undefined, tenant.admin.token);

    expect(on.body.active).toBe(true);
    expect((await login(platform.api, tenant.slug, dispatcher.email)).status).toBe(200);
  });

  it('takes a role change into account at once, whatever the access token still says', async () => {
    const dispatcher = await createUser(platform.api, tenant, 'dispatcher');
    expect((await platform.api.get('/v1/users', dispatcher.token)).status).toBe(200);

    const demoted = await platform.api.patch(`/v1/users/${dispatcher.id}`, { role: 'coworker' }, tenant.admin.token);

    expect(demoted.body.role).toBe('coworker');
    expect([401, 403]).toContain((await platform.api.get('/v1/users', dispatcher.token)).status);
  });

  it('refuses to deactivate the last admin', async () => {
    const res = await platform.api.post(`/v1/users/${tenant.admin.id}/deactivate`, undefined, tenant.admin.token);

    expect(res.status).toBe(409);
    expect((await platform.api.get('/v1/me', tenant.admin.token)).status).toBe(200);
  });
});
