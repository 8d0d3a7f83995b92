// Starts the real accounts service and the jobs service in-process (each on a fresh PostgreSQL database,
// both on one private NATS prefix, gRPC on 127.0.0.1), with a clock tests can move, typed clients, helpers
// to make tenants, people and customers through accounts, and a tap on the jobs events.

import { type Caller, createGrpcClient, createLogger, dlqStreamName, eventsStreamName } from '@fieldline/platform';
import { accounts, jobs } from '@fieldline/proto';
import {
  callerOf,
  EventTap,
  failure,
  freshDatabase,
  TestClock,
  testNatsUrl,
  uniquePrefix,
  waitFor,
} from '@fieldline/testing';

import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startAccounts } from '../../accounts/src/app.js';
import { type RunningJobs, startJobs } from '../src/app.js';
import type { LocationClient } from '../src/clients/location.js';
import type { JobsConfig } from '../src/config.js';

export { callerOf, EventTap, failure, TestClock };

export const JWT_SECRET = 'test-secret-for-jobs-tests-0123456789abcdef';

export function accountsClients(address: string) {
  return {
    identity: createGrpcClient(accounts.IdentityServiceClient, address),
    users: createGrpcClient(accounts.UsersServiceClient, address),
    settings: createGrpcClient(accounts.SettingsServiceClient, address),
    customers: createGrpcClient(accounts.CustomersServiceClient, address),
  };
}

export function jobsClients(address: string) {
  return {
    jobs: createGrpcClient(jobs.JobsServiceClient, address, { deadlineMs: 20_000 }),
    jobTypes: createGrpcClient(jobs.JobTypesServiceClient, address),
  };
}

export interface Harness {
  accounts: ReturnType<typeof accountsClients>;
  api: ReturnType<typeof jobsClients>;
  clock: TestClock;
  events: EventTap;
  service: RunningJobs;
  prefix: string;
  stop(): Promise<void>;
}

export async function startHarness(
  label: string,
  opts: { location?: LocationClient; config?: Partial<JobsConfig> } = {},
): Promise<Harness> {
  const natsUrl = await testNatsUrl();
  const prefix = uniquePrefix();
  const clock = new TestClock();
  const accountsDb = await freshDatabase(`jobs_acc_${label}`);
  const jobsDb = await freshDatabase(`jobs_${label}`);
  const acc = await startAccounts({
    config: {
      grpcPort: 0,
      databaseUrl: accountsDb.url,
      databaseName: accountsDb.name,
      natsUrl,
      natsPrefix: prefix,
      jwtSecret: JWT_SECRET,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 30,
      invitationTtlHours: 72,
    },
    clock: clock.now,
    log: createLogger('accounts', 'silent'),
  });
  const accountsAddr = `127.0.0.1:${acc.port}`;
  const config: JobsConfig = {
    grpcPort: 0,
    databaseUrl: jobsDb.url,
    databaseName: jobsDb.name,
    natsUrl,
    natsPrefix: prefix,
    accountsAddr,
    locationAddr: '',
    delayCheckIntervalMs: 60_000,
    reminderIntervalMs: 5_000,
    blobDriver: 'local',
    blobDir: `/tmp/fl-jobs-test-blobs-${prefix}`,
    s3Endpoint: '',
    s3Bucket: '',
    s3Region: 'us-east-1',
    s3AccessKeyId: '',
    s3SecretAccessKey: '',
    s3ForcePathStyle: true,
    ...opts.config,
  };
  const service = await startJobs({
    config,
    clock: clock.now,
    log: createLogger('jobs', process.env.JOBS_TEST_LOG ?? 'silent'),
    delayChecker: false,
    location: opts.location,
  });
  const accountsApi = accountsClients(accountsAddr);
  const api = jobsClients(`127.0.0.1:${service.port}`);
  const events = await EventTap.start(natsUrl, prefix, { producer: 'jobs' });
  return {
    accounts: accountsApi,
    api,
    clock,
    events,
    service,
    prefix,
    stop: async () => {
      for (const c of [...Object.values(accountsApi), ...Object.values(api)]) c.close();
      await events.stop();
      await service.stop();
      await acc.stop();
      await jobsDb.drop();
      await accountsDb.drop();
      const nc = await connect({ servers: natsUrl });
      const jsm = await jetstreamManager(nc);
      for (const stream of [eventsStreamName(prefix), dlqStreamName(prefix)]) {
        await jsm.streams.delete(stream).catch(() => {});
      }
      await nc.close();
    },
  };
}

let companies = 0;

/** A tenant made through accounts, with helpers to add people and customers to it. */
export class Tenant {
  private constructor(
    private readonly h: Harness,
    readonly admin: Caller,
    readonly adminUser: accounts.User,
  ) {}

  static async create(h: Harness, name = `Company ${++companies}`): Promise<Tenant> {
    const email = `admin${companies}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const res = await h.accounts.identity.signup({
      companyName: name,
      name: 'Ada Admin',
      email,
      password: 'correct horse',
    });
    return new Tenant(h, callerOf(res.user!), res.user!);
  }

  get id(): string {
    return this.admin.tenantId;
  }

  async user(
    role: Caller['role'],
    opts: { name?: string; customerId?: string } = {},
  ): Promise<Caller & { name: string }> {
    const name = opts.name ?? `${role} ${Math.random().toString(36).slice(2, 6)}`;
    const user = await this.h.accounts.users.createUser(
      accounts.CreateUserRequest.fromPartial({
        name,
        role,
        email: `${role}-${Math.random().toString(36).slice(2, 10)}@example.com`,
        password: 'correct horse',
        customerId: opts.customerId ?? '',
      }),
      { caller: this.admin },
    );
    return { ...callerOf(user), name };
  }

  async customer(code: string, opts: { slaHours?: number; coworkers?: Caller[]; sites?: accounts.Site[] } = {}) {
    const customer = await this.h.accounts.customers.createCustomer(
      accounts.CreateCustomerRequest.fromPartial({
        code,
        name: `${code} Ltd`,
        slaHours: opts.slaHours,
        sites: opts.sites ?? [],
      }),
      { caller: this.admin },
    );
    if (opts.coworkers?.length) return this.assign(customer.id, opts.coworkers);
    return customer;
  }

  /** Sets the customer's coworkers, and waits until jobs' directory has heard (accounts events are async). */
  async assign(customerId: string, coworkers: Caller[]): Promise<accounts.Customer> {
    const customer = await this.h.accounts.customers.setCustomerCoworkers(
      { id: customerId, userIds: coworkers.map((c) => c.userId) },
      { caller: this.admin },
    );
    const { directory } = this.h.service.deps;
    await waitFor(async () => ((await directory.customer(this.id, customerId))?.version ?? 0) >= customer.version, {
      what: 'the directory to learn the new coworkers',
    });
    return customer;
  }

  /** Changes the settings, and waits until jobs' directory has heard. */
  async settings(patch: Partial<accounts.UpdateSettingsRequest>): Promise<accounts.Settings> {
    const settings = await this.h.accounts.settings.updateSettings(accounts.UpdateSettingsRequest.fromPartial(patch), {
      caller: this.admin,
    });
    const { directory } = this.h.service.deps;
    await waitFor(async () => (await directory.settings(this.id)).version >= settings.version, {
      what: 'the directory to learn the new settings',
    });
    return settings;
  }

  /** Deactivates a user, and waits until jobs' directory has heard. */
  async deactivate(user: Caller): Promise<void> {
    await this.h.accounts.users.deactivateUser({ id: user.userId }, { caller: this.admin });
    const { directory } = this.h.service.deps;
    await waitFor(async () => (await directory.user(this.id, user.userId))?.active === false, {
      what: 'the directory to learn of the deactivation',
    });
  }
}

/** A JobInput with every field at its default, for requests that set only a few. */
export const input = (i: Partial<jobs.JobInput>): jobs.JobInput => jobs.JobInput.fromPartial(i);
export const list = (values: string[]) => ({ values });

export const HOUR = 3_600_000;
