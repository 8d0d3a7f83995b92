// Login, signup, refresh and invitation accept are limited per client IP and route: 429 with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Platform, startPlatform } from './support/platform.js';
import { PASSWORD } from './support/tenants.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform({ gateway: { authRateLimitPerMinute: 3 } });
});
afterAll(() => platform?.stop());

describe('rate limits', () => {
  it('answers the 4th login in a minute with 429 RATE_LIMITED and Retry-After, other routes still counting apart', async () => {
    const login = () =>
      platform.api.post('/v1/auth/login', { tenant: 'nobody', email: 'n@x.test', password: PASSWORD });
    const first = [await login(), await login(), await login()];

    const limited = await login();
    const refresh = await platform.api.post('/v1/auth/refresh', { refreshToken: 'flr_unknown' });

    expect(first.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    expect(refresh.status).toBe(401);
  });

  it('does not limit ordinary authenticated routes', async () => {
    const probes = await Promise.all(Array.from({ length: 10 }, () => platform.api.get('/v1/me')));

    expect(probes.map((r) => r.status)).toEqual(Array(10).fill(401));
  });
});
