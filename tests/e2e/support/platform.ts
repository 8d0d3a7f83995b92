// Starts the real platform for e2e tests: accounts (fresh PostgreSQL database, private NATS prefix) and the
// gateway listening on loopback, plus helpers that build tenants and users through the public API.
import { createLogger } from '@fieldline/platform';
import { freshDatabase, testNatsUrl, testPostgresUrl, uniquePrefix } from '@fieldline/testing';
import { startAccounts } from '../../../services/accounts/src/app.js';
import { loadAccountsConfig } from '../../../services/accounts/src/config.js';
import { buildGateway } from '../../../services/gateway/src/app.js';
import { type GatewayConfig, loadGatewayConfig } from '../../../services/gateway/src/config.js';
import { type Api, httpApi } from './http.js';

export const E2E_JWT_SECRET = 'e2e-shared-secret-e2e-shared-secret-0123';

export type Platform = {
  baseUrl: string;
  api: Api;
  accountsPort: number;
  natsUrl: string;
  /** NATS subject prefix of this platform's events: `<prefix>.<tenant>.accounts.<type>`. */
  prefix: string;
  stop(): Promise<void>;
};

export async function startPlatform(
  opts: { clock?: () => Date; gateway?: Partial<GatewayConfig> } = {},
): Promise<Platform> {
  const quiet = createLogger('e2e', process.env.LOG_LEVEL ?? 'silent');
  const [serverUrl, natsUrl, db] = await Promise.all([testPostgresUrl(), testNatsUrl(), freshDatabase('e2e')]);
  const prefix = uniquePrefix();
  const accounts = await startAccounts({
    config: {
      ...loadAccountsConfig({ FIELDLINE_JWT_SECRET: E2E_JWT_SECRET }),
      grpcPort: 0,
      databaseUrl: serverUrl,
      databaseName: db.name,
      natsUrl,
      natsPrefix: prefix,
    },
    log: quiet,
    clock: opts.clock,
  });
  const gateway = await buildGateway({
    config: {
      ...loadGatewayConfig({ FIELDLINE_JWT_SECRET: E2E_JWT_SECRET }),
      accountsAddr: `127.0.0.1:${accounts.port}`,
      // Tests log in far more often than people; the rate-limit test asks for a low limit itself.
      authRateLimitPerMinute: 10_000,
      ...opts.gateway,
    },
    log: quiet,
  });
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    api: httpApi(baseUrl),
    accountsPort: accounts.port,
    natsUrl,
    prefix,
    stop: async () => {
      await gateway.close();
      await accounts.stop();
      await db.drop();
    },
  };
}
