// Devices and API keys over gRPC: created once with a secret, resolved by Authenticate, refused once revoked.

import { type Caller, fromGrpcError } from '@fieldline/platform';
import { type accounts, accountsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callerOf, failure, type Harness, req, signup, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('devices');
});
afterAll(async () => {
  await h?.stop();
});

const authenticate = (credential: accounts.AuthenticateRequest['credential']) =>
  h.api.identity.authenticate({ credential });

describe('devices', () => {
  it('are registered for an active worker with a token shown once and a generated unique id', async () => {
    const { admin } = await signup(h.api);
    const worker = await h.api.users.createUser(req.createUser({ name: 'Walt', role: 'coworker' }), { caller: admin });

    const { device, token } = await h.api.devices.createDevice(
      req.createDevice({ workerId: worker.id, name: 'Pixel 8' }),
      {
        caller: admin,
      },
    );

    expect(token).toMatch(/^fld_/);
    expect(device).toMatchObject({ workerId: worker.id, name: 'Pixel 8', revoked: false });
    expect(device!.uniqueId).toMatch(/^[a-z2-9]{16}$/);
    const listed = await h.api.devices.listDevices(req.listDevices({ workerId: worker.id }), { caller: admin });
    expect(listed.devices.map((d) => d.id)).toEqual([device!.id]);
    await h.events.nextEvent('device_created', accountsEvents.DeviceChanged, (p) => p.device?.id === device!.id);
  });

  it('authenticate by token or by Traccar unique id as their worker, until revoked', async () => {
    const { admin } = await signup(h.api);
    const worker = await h.api.users.createUser(req.createUser({ name: 'Wes', role: 'coworker' }), { caller: admin });
    const { device, token } = await h.api.devices.createDevice(
      req.createDevice({ workerId: worker.id, name: 'Traccar phone', uniqueId: 'wes-phone-0001' }),
      { caller: admin },
    );

    const byToken = await authenticate({ $case: 'deviceToken', value: token });
    const byUniqueId = await authenticate({ $case: 'deviceUniqueId', value: 'wes-phone-0001' });
    const asDevice: Caller = {
      kind: 'device',
      tenantId: admin.tenantId,
      userId: worker.id,
      role: 'coworker',
      deviceId: device!.id,
    };
    const me = await h.api.identity.getMe({}, { caller: asDevice });

    expect(byToken).toEqual({
      kind: 'device',
      tenantId: admin.tenantId,
      userId: worker.id,
      role: 'coworker',
      customerId: '',
      deviceId: device!.id,
      apiKeyId: '',
    });
    expect(byUniqueId).toEqual(byToken);
    expect(me.user!.id).toBe(worker.id);

    const revoked = await h.api.devices.revokeDevice({ id: device!.id }, { caller: admin });

    expect(revoked.revoked).toBe(true);
    expect(await failure(authenticate({ $case: 'deviceToken', value: token }))).toMatchObject({
      kind: 'unauthenticated',
    });
    expect(await failure(authenticate({ $case: 'deviceUniqueId', value: 'wes-phone-0001' }))).toMatchObject({
      kind: 'unauthenticated',
    });
    expect(await failure(h.api.identity.getMe({}, { caller: asDevice }))).toMatchObject({ kind: 'unauthenticated' });
    await h.events.nextEvent('device_revoked', accountsEvents.DeviceChanged, (p) => p.device?.id === device!.id);
  });

  it('stop authenticating when their worker is deactivated', async () => {
    const { admin } = await signup(h.api);
    const worker = await h.api.users.createUser(req.createUser({ name: 'Vic', role: 'coworker' }), { caller: admin });
    const { token } = await h.api.devices.createDevice(req.createDevice({ workerId: worker.id, name: 'Phone' }), {
      caller: admin,
    });

    await h.api.users.deactivateUser({ id: worker.id }, { caller: admin });

    expect(await failure(authenticate({ $case: 'deviceToken', value: token }))).toMatchObject({
      kind: 'unauthenticated',
    });
  });

  it('keep unique ids unique across tenants, and need an active worker of the tenant', async () => {
    const a = await signup(h.api);
    const b = await signup(h.api);
    const workerA = await h.api.users.createUser(req.createUser({ name: 'A', role: 'coworker' }), { caller: a.admin });
    const workerB = await h.api.users.createUser(req.createUser({ name: 'B', role: 'coworker' }), { caller: b.admin });
    await h.api.devices.createDevice(req.createDevice({ workerId: workerA.id, name: 'P', uniqueId: 'shared-id-42' }), {
      caller: a.admin,
    });

    const taken = await failure(
      h.api.devices.createDevice(req.createDevice({ workerId: workerB.id, name: 'P', uniqueId: 'shared-id-42' }), {
        caller: b.admin,
      }),
    );
    const foreignWorker = await failure(
      h.api.devices.createDevice(req.createDevice({ workerId: workerA.id, name: 'P' }), { caller: b.admin }),
    );

    expect(taken).toMatchObject({ kind: 'conflict', code: 'DEVICE_ID_TAKEN', field: 'uniqueId' });
    expect(foreignWorker).toMatchObject({ kind: 'invalid_argument', field: 'workerId' });
  });

  it('are managed by staff only', async () => {
    const { admin } = await signup(h.api);
    const worker = await h.api.users.createUser(req.createUser({ name: 'W', role: 'coworker' }), { caller: admin });

    const res = await failure(
      h.api.devices.createDevice(req.createDevice({ workerId: worker.id, name: 'Mine' }), { caller: callerOf(worker) }),
    );

    expect(res.kind).toBe('permission_denied');
  });
});

describe('API keys', () => {
  it('are created with a key shown once, listed by prefix, and authenticate with their role until revoked', async () => {
    const { admin } = await signup(h.api);

    const { apiKey, key } = await h.api.apiKeys.createApiKey(
      req.createApiKey({ name: 'ERP sync', role: 'dispatcher' }),
      {
        caller: admin,
      },
    );
    const principal = await authenticate({ $case: 'apiKey', value: key });
    const listed = await h.api.apiKeys.listApiKeys({ page: undefined }, { caller: admin });
    const asKey: Caller = {
      kind: 'api_key',
      tenantId: admin.tenantId,
      userId: admin.userId,
      role: 'dispatcher',
      apiKeyId: apiKey!.id,
    };
    const customers = await h.api.customers.listCustomers(req.listCustomers(), { caller: asKey });

    expect(key).toMatch(/^flk_/);
    expect(apiKey).toMatchObject({ name: 'ERP sync', role: 'dispatcher', createdBy: admin.userId, revoked: false });
    expect(key.startsWith(apiKey!.prefix)).toBe(true);
    expect(principal).toMatchObject({
      kind: 'api_key',
      tenantId: admin.tenantId,
      userId: admin.userId,
      role: 'dispatcher',
      apiKeyId: apiKey!.id,
    });
    expect(listed.apiKeys.map((k) => [k.id, k.prefix])).toEqual([[apiKey!.id, apiKey!.prefix]]);
    expect(listed.apiKeys[0].lastUsedAt).toBeInstanceOf(Date);
    expect(customers.customers).toEqual([]);

    await h.api.apiKeys.revokeApiKey({ id: apiKey!.id }, { caller: admin });

    expect(await failure(authenticate({ $case: 'apiKey', value: key }))).toMatchObject({ kind: 'unauthenticated' });
    expect(await failure(h.api.customers.listCustomers(req.listCustomers(), { caller: asKey }))).toMatchObject({
      kind: 'unauthenticated',
    });
  });

  it('default to the admin role, and only admins manage them', async () => {
    const { admin } = await signup(h.api);
    const dispatcher = await h.api.users.createUser(req.createUser({ name: 'D', role: 'dispatcher' }), {
      caller: admin,
    });

    const { apiKey } = await h.api.apiKeys.createApiKey(req.createApiKey({ name: 'Default' }), { caller: admin });
    const refused = await failure(
      h.api.apiKeys.createApiKey(req.createApiKey({ name: 'Mine' }), { caller: callerOf(dispatcher) }),
    );
    const badRole = await failure(
      h.api.apiKeys.createApiKey(req.createApiKey({ name: 'X', role: 'coworker' }), { caller: admin }),
    );

    expect(apiKey!.role).toBe('admin');
    expect(refused.kind).toBe('permission_denied');
    expect(badRole).toMatchObject({ kind: 'invalid_argument', field: 'role' });
  });
});

describe('Authenticate', () => {
  it('refuses unknown credentials and asks for one when none is given', async () => {
    const unknown = await failure(authenticate({ $case: 'apiKey', value: 'flk_unknown' }));
    let missing: unknown;
    await authenticate(undefined).catch((err) => {
      missing = err;
    });

    expect(unknown).toMatchObject({ kind: 'unauthenticated', code: 'INVALID_CREDENTIAL' });
    expect(fromGrpcError(missing)).toMatchObject({ kind: 'invalid_argument', field: 'credential' });
  });
});
