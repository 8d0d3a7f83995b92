// How the gateway establishes and checks the caller: JWTs locally, device tokens and API keys through accounts.

import { signAccessToken } from '@fieldline/auth';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { type FakeAccounts, startFakeAccounts } from './fake-accounts.js';
import { TEST_SECRET, testGateway, tokenFor } from './gateway-fixture.js';

let fake: FakeAccounts;
let app: FastifyInstance;

beforeAll(async () => {
  fake = await startFakeAccounts();
  app = await testGateway({ accountsAddr: fake.address });
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

describe('authentication', () => {
  it('refuses a protected route without a credential: 401 with WWW-Authenticate and the error shape', async () => {
    const res = await get('/v1/me');

    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
  });

  it.each([
    ['a malformed header', 'Token abc'],
    ['a token that is no JWT', 'Bearer abc'],
    [
      'a JWT signed with another secret',
      `Bearer ${signAccessToken({ sub: 'u', tid: 't', role: 'admin' }, { secret: 'x'.repeat(40), ttlSeconds: 60 }).token}`,
    ],
    [
      'an expired JWT',
      `Bearer ${signAccessToken({ sub: 'u', tid: 't', role: 'admin' }, { secret: TEST_SECRET, ttlSeconds: 60, now: new Date('2020-01-01') }).token}`,
    ],
    ['an unknown device token', 'Bearer fld_bad'],
    ['an unknown API key', 'Bearer flk_bad'],
  ])('answers 401 for %s', async (_, authorization) => {
    const res = await get('/v1/me', { authorization });

    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 CREDENTIAL_REVOKED for a valid JWT of a user accounts no longer knows as active', async () => {
    const res = await get('/v1/me', { authorization: `Bearer ${tokenFor('dispatcher', { sub: 'usr_gone_1' })}` });

    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('CREDENTIAL_REVOKED');
  });

  it('asks accounts once for the /v1/me calls of several users arriving together', async () => {
    const before = fake.batchGetMeCalls;
    const users = ['usr_b1', 'usr_b2', 'usr_b3', 'usr_gone_2', 'usr_b1'];
    const responses = await Promise.all(
      users.map((sub) => get('/v1/me', { authorization: `Bearer ${tokenFor('dispatcher', { sub })}` })),
    );

    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 401, 200]);
    expect(responses.map((r) => (r.statusCode === 200 ? r.json().user.id : null))).toEqual([
      'usr_b1',
      'usr_b2',
      'usr_b3',
      null,
      'usr_b1',
    ]);
    // light-my-request runs the five requests in the same turn, so they share one call; never one per request.
    expect(fake.batchGetMeCalls - before).toBeLessThan(users.length);
  });

  it('accepts a valid JWT and forwards the caller to accounts', async () => {
    const res = await get('/v1/me', { authorization: `Bearer ${tokenFor('dispatcher', { sub: 'usr_9' })}` });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { id: 'usr_9', role: 'dispatcher', email: null, createdAt: '2030-01-01T00:00:00.000Z' },
      tenant: { id: 't_1', slug: 'acme' },
      credential: { kind: 'user', deviceId: null, apiKeyId: null },
    });
  });

  it('resolves a device token through accounts once, then from the cache', async () => {
    const before = fake.authenticateCalls;

    const first = await get('/v1/me', { authorization: 'Bearer fld_good' });
    const second = await get('/v1/me', { authorization: 'Bearer fld_good' });

    expect(first.statusCode).toBe(200);
    expect(second.json().credential).toEqual({ kind: 'device', deviceId: 'dev_1', apiKeyId: null });
    expect(fake.authenticateCalls - before).toBe(1);
  });

  it('refuses a device token on a route for users and integrations only', async () => {
    const res = await get('/v1/customers', { authorization: 'Bearer fld_good' });

    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('accepts an API key in X-API-Key or as a bearer token', async () => {
    const viaHeader = await get('/v1/me', { 'x-api-key': 'flk_good' });
    const viaBearer = await get('/v1/me', { authorization: 'Bearer flk_good' });

    expect(viaHeader.json().credential).toEqual({ kind: 'api_key', deviceId: null, apiKeyId: 'key_1' });
    expect(viaBearer.statusCode).toBe(200);
  });

  it('checks the role before calling anything: a guest may not list users', async () => {
    const res = await get('/v1/users', { authorization: `Bearer ${tokenFor('guest')}` });

    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.stringContaining('guest') } });
  });
});

describe('downstream errors', () => {
  it('passes a downstream 401 through with its code and message', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { tenant: 'acme', email: 'a@acme.test', password: 'wrong password' },
    });

    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'wrong tenant, e-mail or password' } });
  });

  it('passes the field of a downstream invalid argument through', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/signup',
      payload: { companyName: 'Acme', name: 'Anna', email: 'anna@acme.test', password: 'short' },
    });

    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'WEAK_PASSWORD', message: expect.any(String), field: 'password' });
  });

  it('serializes times as RFC 3339 UTC and missing ones as null', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { tenant: 'acme', email: 'a@acme.test', password: 'right password' },
    });

    expect(res.json()).toMatchObject({ accessTokenExpiresAt: '1970-01-01T00:00:00.000Z', refreshTokenExpiresAt: null });
  });
});
