// Customers over real HTTP: create with sites and contacts, read, change with optimistic versions, list, assign.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Platform, startPlatform } from './support/platform.js';
import { createUser, signupTenant, type Tenant } from './support/tenants.js';

let platform: Platform;
let tenant: Tenant;
beforeAll(async () => {
  platform = await startPlatform();
  tenant = await signupTenant(platform.api, 'Cust');
});
afterAll(() => platform?.stop());

const site = { name: 'Head office', address: 'Storgatan 1, Stockholm', lat: 59.33, lng: 18.06 };

describe('customers', () => {
  it('creates a customer with sites and contacts and reads it back', async () => {
    const created = await platform.api.post(
      '/v1/customers',
      {
        code: 'ACME',
        name: 'Acme AB',
        slaHours: 24,
        sites: [site],
        contacts: [{ name: 'Eva', email: 'eva@acme.test' }],
      },
      tenant.admin.token,
    );

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      code: 'ACME',
      slaHours: 24,
      sites: [{ ...site, id: expect.any(String) }],
      contacts: [{ name: 'Eva', email: 'eva@acme.test', id: expect.any(String) }],
      active: true,
    });
    const read = await platform.api.get(`/v1/customers/${created.body.id}`, tenant.admin.token);
    expect(read.body).toEqual(created.body);
  });

  it('refuses a duplicate code with 409', async () => {
    await platform.api.post('/v1/customers', { code: 'DUP', name: 'One' }, tenant.admin.token);

    const again = await platform.api.post('/v1/customers', { code: 'DUP', name: 'Two' }, tenant.admin.token);

    expect(again.status).toBe(409);
  });

  it('changes only what is sent, and refuses a stale version', async () => {
    const { body: customer } = await platform.api.post(
      '/v1/customers',
      { code: 'VER', name: 'Versioned' },
      tenant.admin.token,
    );

    const changed = await platform.api.patch(
      `/v1/customers/${customer.id}`,
      { name: 'Renamed', version: customer.version },
      tenant.admin.token,
    );
    const stale = await platform.api.patch(
      `/v1/customers/${customer.id}`,
      { name: 'Lost update', version: customer.version },
      tenant.admin.token,
    );

    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Renamed', code: 'VER' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_VERSION');
  });

  it('lists and searches customers, and shows a co-worker only the customers assigned to it', async () => {
    const { body: north } = await platform.api.post(
      '/v1/customers',
      { code: 'NORTH', name: 'Northwind' },
      tenant.admin.token,
    );
    await platform.api.post('/v1/customers', { code: 'SOUTH', name: 'Southwind' }, tenant.admin.token);
    const worker = await createUser(platform.api, tenant, 'coworker');

    const found = await platform.api.get('/v1/customers?q=Northwind', tenant.admin.token);
    const beforeAssign = await platform.api.get('/v1/customers', worker.token);
    const assigned = await platform.api.put(
      `/v1/customers/${north.id}/coworkers`,
      { userIds: [worker.id] },
      tenant.admin.token,
    );
    const afterAssign = await platform.api.get('/v1/customers', worker.token);

    expect(found.body.items.map((c: { code: string }) => c.code)).toEqual(['NORTH']);
    expect(beforeAssign.body.items).toEqual([]);
    expect(assigned.body.coworkerIds).toEqual([worker.id]);
    expect(afterAssign.body.items.map((c: { id: string }) => c.id)).toEqual([north.id]);
    expect((await platform.api.get(`/v1/customers/${north.id}`, worker.token)).status).toBe(200);
  });

  it('answers 404 for a customer that does not exist', async () => {
    const res = await platform.api.get('/v1/customers/cus_doesnotexist', tenant.admin.token);

    expect(res.status).toBe(404);
    expect(res.body.error.code).toEqual(expect.any(String));
  });
});
