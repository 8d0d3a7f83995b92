// Device tokens and API keys end to end: issued once, usable as credentials, listed without secrets, revoked at once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Platform, startPlatform } from './support/platform.js';
import { createUser, type Session, signupTenant, type Tenant } from './support/tenants.js';

let platform: Platform;
let tenant: Tenant;
let worker: Session;
beforeAll(async () => {
  platform = await startPlatform();
  tenant = await signupTenant(platform.api, 'Dev');
  worker = await createUser(platform.api, tenant, 'coworker');
});
afterAll(() => platform?.stop());

describe('devices', () => {
  it('registers a device; its token identifies the worker, is refused on management routes, and dies on revoke', async () => {
    const created = await platform.api.post('/v1/devices', { workerId: worker.id, name: 'Pixel' }, tenant.admin.token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      token: expect.stringMatching(/^fld_/),
      uniqueId: expect.any(String),
      workerId: worker.id,
    });

    const me = await platform.api.get('/v1/me', created.body.token);
    expect(me.body).toMatchObject({
      user: { id: worker.id },
      credential: { kind: 'device', deviceId: created.body.id },
    });
    expect((await platform.api.get('/v1/customers', created.body.token)).status).toBe(403);

    const listed = await platform.api.get(`/v1/devices?workerId=${worker.id}`, tenant.admin.token);
    expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);

    const revoked = await platform.api.post(`/v1/devices/${created.body.id}/revoke`, undefined, tenant.admin.token);
    expect(revoked.body.revoked).toBe(true);
    expect((await platform.api.get('/v1/me', created.body.token)).status).toBe(401);
  });

  it('keeps a given Traccar unique id, and refuses the same one twice', async () => {
    const first = await platform.api.post(
      '/v1/devices',
      { workerId: worker.id, name: 'A', uniqueId: 'truck-0042' },
      tenant.admin.token,
    );
    const second = await platform.api.post(
      '/v1/devices',
      { workerId: worker.id, name: 'B', uniqueId: 'truck-0042' },
      tenant.admin.token,
    );

    expect(first.body.uniqueId).toBe('truck-0042');
    expect(second.status).toBe(409);
  });

  it('refuses a device for a worker that does not exist, naming the field', async () => {
    const res = await platform.api.post('/v1/devices', { workerId: 'usr_nobody', name: 'X' }, tenant.admin.token);

    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('workerId');
  });
});

describe('API keys', () => {
  it('creates a key shown once; it works as X-API-Key and as a bearer token; revoked, it stops', async () => {
    const created = await platform.api.post(
      '/v1/api-keys',
      { name: 'VoIP bridge', role: 'dispatcher' },
      tenant.admin.token,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      key: expect.stringMatching(/^flk_/),
      role: 'dispatcher',
    });
    const key = created.body.key as string;

    const viaHeader = await platform.api.send('GET', '/v1/users', { headers: { 'x-api-key': key } });
    const viaBearer = await platform.api.get('/v1/me', key);
    expect(viaHeader.status).toBe(200);
    expect(viaBearer.body.credential).toEqual({ kind: 'api_key', deviceId: null, apiKeyId: created.body.id });
    expect((await platform.api.get('/v1/api-keys', key)).status).toBe(403);

    const listed = await platform.api.get('/v1/api-keys', tenant.admin.token);
    expect(listed.body.items.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(key);

    await platform.api.post(`/v1/api-keys/${created.body.id}/revoke`, undefined, tenant.admin.token);
    expect((await platform.api.send('GET', '/v1/users', { headers: { 'x-api-key': key } })).status).toBe(401);
  });

  it('refuses a made-up key', async () => {
    const res = await platform.api.send('GET', '/v1/me', { headers: { 'x-api-key': 'flk_madeup' } });

    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});
