// What a client sees before any downstream call: bad input, unknown routes, limits, headers, probes.

import type { Logger } from '@fieldline/platform';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildGateway } from '../src/app.js';
import { testConfig, testGateway, tokenFor } from './gateway-fixture.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testGateway({ bodyLimitBytes: 2048, corsOrigins: ['https://app.example'] });
});
afterAll(() => app.close());

const admin = { authorization: `Bearer ${tokenFor('admin')}` };
const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...admin, ...headers } });

describe('bad input', () => {
  it.each<[string, string, string, string | undefined]>([
    ['a missing field', '/v1/customers', '{"name":"Acme"}', 'code'],
    ['a wrong type', '/v1/customers', '{"code":"A","name":"Acme","slaHours":"24"}', 'slaHours'],
    ['an unknown field', '/v1/customers', '{"code":"A","name":"Acme","tenantId":"t_2"}', 'tenantId'],
    ['an oversized string', '/v1/customers', `{"code":"A","name":"${'x'.repeat(201)}"}`, 'name'],
    [
      'a bad nested value',
      '/v1/customers',
      '{"code":"A","name":"B","sites":[{"name":"s","address":"a","lat":91,"lng":0}]}',
      'sites.0.lat',
    ],
    ['a bad enum', '/v1/users', '{"name":"A","role":"root"}', 'role'],
    ['a bad e-mail', '/v1/invitations', '{"email":"nope","role":"guest"}', 'email'],
  ])('answers 400 VALIDATION_FAILED for %s, naming it', async (_, url, payload, field) => {
    const res = await post(url, payload);

    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String), field } });
  });

  it('answers 400 INVALID_JSON for malformed JSON and for prototype poisoning', async () => {
    for (const payload of ['{"code": "A",', '{"__proto__": {"admin": true}, "code": "A", "name": "B"}']) {
      const res = await post('/v1/customers', payload);

      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('INVALID_JSON');
    }
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await post('/v1/customers', 'code=A&name=B', { 'content-type': 'application/x-www-form-urlencoded' });

    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await post('/v1/customers', JSON.stringify({ code: 'A', name: 'x'.repeat(4000) }));

    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 400 for a malformed id in the path', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/users/a%20b', headers: admin });

    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
  });

  it('answers 400 for a query parameter of the wrong type', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/users?limit=500', headers: admin });

    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
  });

  it('answers an unknown route with a 404 in the error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here' });

    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String) } });
  });

  it('checks the caller before the body: an unauthenticated bad body is 401, not 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/customers',
      payload: '{',
      headers: { 'content-type': 'application/json' },
    });

    expect(res.statusCode).toBe(401);
  });
});

describe('headers', () => {
  it('sets security headers and a request id, and keeps a sane one from the client', async () => {
    const res = await app.inject({ method: 'GET', url: '/livez', headers: { 'x-request-id': 'abc-123' } });

    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
    const generated = await app.inject({ method: 'GET', url: '/livez', headers: { 'x-request-id': 'bad id\u0001' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/v1/users',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });

    expect((await preflight('https://app.example')).headers['access-control-allow-origin']).toBe('https://app.example');
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('probes', () => {
  it('says it is alive, and not ready while accounts, jobs, location and NATS are unreachable, naming them', async () => {
    expect((await app.inject({ url: '/livez' })).json()).toEqual({ status: 'ok' });

    const ready = await app.inject({ url: '/readyz' });

    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      status: 'unavailable',
      checks: {
        accounts: expect.stringMatching(/^unreachable/),
        jobs: expect.stringMatching(/^unreachable/),
        location: expect.stringMatching(/^unreachable/),
        nats: expect.stringMatching(/^unreachable/),
      },
    });
  });
});

describe('rate limits', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a client IP exceeds the login limit', async () => {
    const limited = await testGateway({ authRateLimitPerMinute: 2 });
    const login = () =>
      limited.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { tenant: 'a', email: 'a@b.co', password: 'x' },
      });
    try {
      await login();
      await login();
      const res = await login();

      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
      // Counted per route: signup still has its own allowance.
      const signup = await limited.inject({ method: 'POST', url: '/v1/signup', payload: {} });
      expect(signup.statusCode).toBe(400);
    } finally {
      await limited.close();
    }
  });
});

describe('access log', () => {
  it('writes one line per answered request, with its id, method, url, status and time; none for probes', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
    const logged = await buildGateway({ config: testConfig(), log: pino({ level: 'info' }, stream) as Logger });
    try {
      await logged.inject({ method: 'GET', url: '/livez' });
      await logged.inject({ method: 'GET', url: '/v1/nowhere', headers: { 'x-request-id': 'req-42' } });
    } finally {
      await logged.close();
    }

    const access = lines.filter((l) => l.msg === 'request completed');
    expect(access).toEqual([
      expect.objectContaining({
        reqId: 'req-42',
        req: expect.objectContaining({ method: 'GET', url: '/v1/nowhere' }),
        res: { statusCode: 404 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(lines.filter((l) => l.msg === 'incoming request')).toEqual([]);
  });
});
