// Starts the real platform for e2e tests: accounts, location and jobs (each on a fresh PostgreSQL database, one
// private NATS prefix and live subject prefix, attachments in a temporary directory) and the gateway listening on
// loopback in front of them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@fieldline/platform';
import { freshDatabase, testNatsUrl, testPostgresUrl, uniquePrefix } from '@fieldline/testing';
import { startAccounts } from '../../../services/accounts/src/app.js';
import { loadAccountsConfig } from '../../../services/accounts/src/config.js';
import { buildGateway } from '../../../services/gateway/src/app.js';
import { type GatewayConfig, loadGatewayConfig } from '../../../services/gateway/src/config.js';
import { type RunningJobs, startJobs } from '../../../services/jobs/src/app.js';
import { loadJobsConfig } from '../../../services/jobs/src/config.js';
import { type RunningLocation, startLocation } from '../../../services/location/src/app.js';
import { loadLocationConfig } from '../../../services/location/src/config.js';
import { type Api, httpApi } from './http.js';

export const E2E_JWT_SECRET = 'e2e-shared-secret-e2e-shared-secret-0123';

export type Platform = {
  baseUrl: string;
  api: Api;
  accountsPort: number;
  /** The running jobs service (its deps let a test run workers such as the delay check itself). */
  jobs: RunningJobs;
  /** The running location service. */
  location: RunningLocation;
  natsUrl: string;
  /** NATS subject prefix of this platform's events: `<prefix>.<tenant>.<service>.<type>`. */
  prefix: string;
  /** Live positions go to `<livePrefix>.<tenant>.positions` on core NATS. */
  livePrefix: string;
  stop(): Promise<void>;
};

export async function startPlatform(
  opts: { clock?: () => Date; gateway?: Partial<GatewayConfig> } = {},
): Promise<Platform> {
  const quiet = createLogger('e2e', process.env.LOG_LEVEL ?? 'silent');
  const [serverUrl, natsUrl, db, jobsDb, locationDb, blobDir] = await Promise.all([
    testPostgresUrl(),
    testNatsUrl(),
    freshDatabase('e2e'),
    freshDatabase('e2e_jobs'),
    freshDatabase('e2e_loc'),
    mkdtemp(join(tmpdir(), 'fl-e2e-blobs-')),
  ]);
  const prefix = uniquePrefix();
  // Live positions are core NATS on their own subjects: private to this platform like its events.
  const livePrefix = `${prefix}-live`;
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
  const accountsAddr = `127.0.0.1:${accounts.port}`;
  const location = await startLocation({
    config: {
      ...loadLocationConfig({}),
      grpcPort: 0,
      databaseUrl: serverUrl,
      databaseName: locationDb.name,
      natsUrl,
      natsPrefix: prefix,
      liveSubjectPrefix: livePrefix,
    },
    accountsAddr,
    log: quiet,
    clock: opts.clock,
  });
  const locationAddr = `127.0.0.1:${location.port}`;
  const jobs = await startJobs({
    config: {
      ...loadJobsConfig({}),
      grpcPort: 0,
      databaseUrl: serverUrl,
      databaseName: jobsDb.name,
      natsUrl,
      natsPrefix: prefix,
      accountsAddr,
      locationAddr,
      blobDir,
    },
    log: quiet,
    clock: opts.clock,
    // Tests that need the delay check run it themselves, at a moment they choose.
    delayChecker: false,
  });
  const gateway = await buildGateway({
    config: {
      ...loadGatewayConfig({ FIELDLINE_JWT_SECRET: E2E_JWT_SECRET }),
      accountsAddr,
      jobsAddr: `127.0.0.1:${jobs.port}`,
      locationAddr,
      natsUrl,
      natsPrefix: prefix,
      liveSubjectPrefix: livePrefix,
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
    jobs,
    location,
    natsUrl,
    prefix,
    livePrefix,
    stop: async () => {
      await gateway.close();
      await jobs.stop();
      await location.stop();
      await accounts.stop();
      await Promise.all([db.drop(), jobsDb.drop(), locationDb.drop(), rm(blobDir, { recursive: true, force: true })]);
    },
  };
}
