// Builds a gateway for tests that need no real accounts service (an unreachable or a fake address).
import { signAccessToken } from '@fieldline/auth';
import type { Role } from '@fieldline/platform';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../src/app.js';
import { type GatewayConfig, loadGatewayConfig } from '../src/config.js';

export const TEST_SECRET = 'gateway-test-secret-gateway-test-secret';

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    ...loadGatewayConfig({ FIELDLINE_JWT_SECRET: TEST_SECRET }),
    // Port 9 (discard) on loopback: nothing listens, so calls fail fast with UNAVAILABLE.
    accountsAddr: '127.0.0.1:9',
    locationAddr: '127.0.0.1:9',
    natsUrl: 'nats://127.0.0.1:9',
    grpcDeadlineMs: 1000,
    ...overrides,
  };
}

export async function testGateway(overrides: Partial<GatewayConfig> = {}): Promise<FastifyInstance> {
  const app = await buildGateway({ config: testConfig(overrides) });
  await app.ready();
  return app;
}

export function tokenFor(role: Role, extra: { tid?: string; sub?: string; cid?: string } = {}): string {
  const cid = extra.cid ?? (role === 'client' || role === 'guest' ? 'cus_1' : undefined);
  return signAccessToken(
    { sub: extra.sub ?? 'usr_1', tid: extra.tid ?? 't_1', role, ...(cid ? { cid } : {}) },
    { secret: TEST_SECRET, ttlSeconds: 300 },
  ).token;
}
