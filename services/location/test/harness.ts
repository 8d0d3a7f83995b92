// Starts the real accounts service and one or more location replicas in-process (fresh PostgreSQL databases, one
// private NATS prefix, gRPC on 127.0.0.1), with clients, tenants with workers and phones made through accounts,
// device streams that record their acks, a tap on location's JetStream events and one on the live positions.
import {
  buildEnvelope,
  type Caller,
  createGrpcClient,
  createLogger,
  dlqStreamName,
  type EventEnvelope,
  encodeEnvelope,
  eventsStreamName,
  type PromiseClient,
} from '@fieldline/platform';
import { accounts, jobs, jobsEvents, location, locationEvents } from '@fieldline/proto';
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

import { type ClientDuplexStream, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startAccounts } from '../../accounts/src/app.js';
import { type RunningLocation, startLocation } from '../src/app.js';
import type { LocationConfig } from '../src/config.js';

export { callerOf, failure, TestClock };

/** Location's events, with its arrivals and departures read out. */
export class LocationEventTap extends EventTap {
  /** Arrivals and departures of a tenant, decoded, in publication order. */
  siteEvents(
    tenantId: string,
  ): Array<{ type: string; event: locationEvents.WorkerSiteEvent; envelope: EventEnvelope }> {
    return this.envelopes
      .filter((e) => e.tenantId === tenantId && (e.type === 'worker_arrived' || e.type === 'worker_departed'))
      .map((e) => ({ type: e.type, event: locationEvents.WorkerSiteEvent.decode(e.payload), envelope: e }));
  }
}

export const JWT_SECRET = 'test-secret-for-location-tests-0123456789';

/** Every live position on core NATS under the test's live prefix. */
export class LiveTap {
  readonly positions: Array<{ subject: string; position: locationEvents.LivePosition }> = [];
  private constructor(private readonly nc: NatsConnection) {}

  static async start(natsUrl: string, livePrefix: string): Promise<LiveTap> {
    const nc = await connect({ servers: natsUrl, name: 'location-test-live' });
    const tap = new LiveTap(nc);
    nc.subscribe(`${livePrefix}.>`, {
      callback: (err, msg) => {
        if (!err) tap.positions.push({ subject: msg.subject, position: locationEvents.LivePosition.decode(msg.data) });
      },
    });
    await nc.flush();
    return tap;
  }

  of(workerId: string): locationEvents.LivePosition[] {
    return this.positions.filter((p) => p.position.workerId === workerId).map((p) => p.position);
  }

  async stop(): Promise<void> {
    await this.nc.close();
  }
}

export function locationClient(address: string) {
  return createGrpcClient(location.LocationServiceClient, address, { deadlineMs: 20_000 });
}
export type LocationClient = PromiseClient<location.LocationServiceClient>;

export interface Harness {
  accounts: {
    identity: PromiseClient<accounts.IdentityServiceClient>;
    users: PromiseClient<accounts.UsersServiceClient>;
    devices: PromiseClient<accounts.DevicesServiceClient>;
    customers: PromiseClient<accounts.CustomersServiceClient>;
    settings: PromiseClient<accounts.SettingsServiceClient>;
  };
  replicas: RunningLocation[];
  /** Clients of each replica, same order. */
  api: LocationClient[];
  addresses: string[];
  clock: TestClock;
  events: LocationEventTap;
  live: LiveTap;
  prefix: string;
  livePrefix: string;
  natsUrl: string;
  config: LocationConfig;
  /** Starts one more replica on the same database and NATS prefix. */
  addReplica(overrides?: Partial<LocationConfig>): Promise<number>;
  stop(): Promise<void>;
}

export async function startHarness(
  label: string,
  opts: { replicas?: number; config?: Partial<LocationConfig>; liveIntervalMs?: number } = {},
): Promise<Harness> {
  const natsUrl = await testNatsUrl();
  const prefix = uniquePrefix();
  const livePrefix = `${prefix}-live`;
  const clock = new TestClock();
  const accountsDb = await freshDatabase(`loc_acc_${label}`);
  const locationDb = await freshDatabase(`loc_${label}`);
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
  const config: LocationConfig = {
    grpcPort: 0,
    databaseUrl: locationDb.url,
    databaseName: locationDb.name,
    natsUrl,
    natsPrefix: prefix,
    accountsAddr,
    trackRetentionDays: 30,
    ingestMaxBatch: 5000,
    gapTimeoutSeconds: 300,
    liveSubjectPrefix: livePrefix,
    ...opts.config,
  };
  const replicas: RunningLocation[] = [];
  const api: LocationClient[] = [];
  const addresses: string[] = [];
  const addReplica = async (overrides: Partial<LocationConfig> = {}) => {
    const running = await startLocation({
      config: { ...config, ...overrides },
      clock: clock.now,
      log: createLogger('location', process.env.LOCATION_TEST_LOG ?? 'silent'),
      liveIntervalMs: opts.liveIntervalMs,
    });
    replicas.push(running);
    addresses.push(`127.0.0.1:${running.port}`);
    api.push(locationClient(`127.0.0.1:${running.port}`));
    return replicas.length - 1;
  };
  for (let i = 0; i < (opts.replicas ?? 1); i++) await addReplica();
  const events = await LocationEventTap.start(natsUrl, prefix, { producer: 'location' });
  const live = await LiveTap.start(natsUrl, livePrefix);
  const accountsApi = {
    identity: createGrpcClient(accounts.IdentityServiceClient, accountsAddr),
    users: createGrpcClient(accounts.UsersServiceClient, accountsAddr),
    devices: createGrpcClient(accounts.DevicesServiceClient, accountsAddr),
    customers: createGrpcClient(accounts.CustomersServiceClient, accountsAddr),
    settings: createGrpcClient(accounts.SettingsServiceClient, accountsAddr),
  };
  return {
    accounts: accountsApi,
    replicas,
    api,
    addresses,
    clock,
    events,
    live,
    prefix,
    livePrefix,
    natsUrl,
    config,
    addReplica,
    stop: async () => {
      for (const c of [...Object.values(accountsApi), ...api]) c.close();
      await events.stop();
      await live.stop();
      for (const r of replicas) await r.stop();
      await acc.stop();
      await locationDb.drop();
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

export interface Phone {
  worker: accounts.User;
  caller: Caller;
  deviceId: string;
  token: string;
  /** The caller the gateway sets for this phone's HTTP batches (IngestPings). */
  deviceCaller: Caller;
}

let companies = 0;

/** A tenant made through accounts: its admin, and helpers to add workers with phones, dispatchers, customers. */
export class Tenant {
  private constructor(
    private readonly h: Harness,
    readonly id: string,
    readonly admin: Caller,
  ) {}

  static async create(h: Harness, name = `Company ${++companies}`): Promise<Tenant> {
    const email = `admin${companies}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const res = await h.accounts.identity.signup({
      companyName: name,
      name: 'Ada Admin',
      email,
      password: 'correct horse',
    });
    const admin = callerOf(res.user as accounts.User);
    return new Tenant(h, admin.tenantId, admin);
  }

  async user(role: 'coworker' | 'dispatcher' | 'admin', name = `${role} ${Math.random().toString(36).slice(2, 6)}`) {
    const user = await this.h.accounts.users.createUser(
      accounts.CreateUserRequest.fromPartial({
        name,
        email: `${name.replaceAll(' ', '.')}-${Math.random().toString(36).slice(2, 8)}@example.com`,
        role,
        password: 'correct horse',
      }),
      { caller: this.admin },
    );
    return { user, caller: callerOf(user) };
  }

  /** A client user of a customer (for refusals: clients see no positions, tracks or shifts). */
  async client(customerId: string) {
    const user = await this.h.accounts.users.createUser(
      accounts.CreateUserRequest.fromPartial({
        name: 'Cleo Client',
        email: `client-${Math.random().toString(36).slice(2, 8)}@example.com`,
        role: 'client',
        customerId,
        password: 'correct horse',
      }),
      { caller: this.admin },
    );
    return { user, caller: callerOf(user) };
  }

  /** A co-worker with a registered phone (its token shown once by accounts). */
  async phone(name?: string): Promise<Phone> {
    const { user, caller } = await this.user('coworker', name);
    const res = await this.h.accounts.devices.createDevice(
      accounts.CreateDeviceRequest.fromPartial({ workerId: user.id, name: `${user.name}'s phone` }),
      { caller: this.admin },
    );
    const deviceId = res.device?.id as string;
    return {
      worker: user,
      caller,
      deviceId,
      token: res.token,
      deviceCaller: { kind: 'device', tenantId: user.tenantId, userId: user.id, role: 'coworker', deviceId },
    };
  }

  /** A second registered phone of the same worker. */
  async anotherPhone(of: Phone): Promise<Phone> {
    const res = await this.h.accounts.devices.createDevice(
      accounts.CreateDeviceRequest.fromPartial({ workerId: of.worker.id, name: `${of.worker.name}'s other phone` }),
      { caller: this.admin },
    );
    const deviceId = res.device?.id as string;
    return { ...of, deviceId, token: res.token, deviceCaller: { ...of.deviceCaller, deviceId } };
  }

  async customer(sites: Array<{ name: string; lat: number; lng: number }>) {
    return this.h.accounts.customers.createCustomer(
      accounts.CreateCustomerRequest.fromPartial({
        code: `C${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
        name: 'Acme',
        sites: sites.map((s) => ({ ...s, address: `${s.name} street 1` })),
      }),
      { caller: this.admin },
    );
  }

  async updateSettings(patch: Partial<accounts.UpdateSettingsRequest>) {
    return this.h.accounts.settings.updateSettings(accounts.UpdateSettingsRequest.fromPartial(patch), {
      caller: this.admin,
    });
  }

  /** Publishes a jobs event as the jobs service would (we do not run jobs here: location only reads its events). */
  async publishJob(type: string, job: Partial<jobs.Job> & { id: string }): Promise<void> {
    const full = jobs.Job.fromPartial({ tenantId: this.id, version: 1, status: 'assigned', ...job });
    const envelope = buildEnvelope({
      type,
      tenantId: this.id,
      producer: 'jobs',
      payloadType: 'fieldline.jobs.v1.JobChanged',
      payload: jobsEvents.JobChanged.encode(jobsEvents.JobChanged.fromPartial({ job: full, actorId: 'u' })).finish(),
    });
    const nc = await connect({ servers: this.h.natsUrl });
    try {
      await jetstream(nc).publish(`${this.h.prefix}.${this.id}.jobs.${type}`, encodeEnvelope(envelope), {
        msgID: envelope.id,
      });
    } finally {
      await nc.close();
    }
  }
}

/** A wire ping: seq, device time (epoch ms) and position; the rest "unknown" unless given. */
export function ping(seq: number, at: number, lat: number, lng: number, extra: Partial<location.Ping> = {}) {
  return location.Ping.fromPartial({
    seq,
    deviceTime: new Date(at),
    lat,
    lng,
    accuracyM: 5,
    speedMps: -1,
    headingDeg: -1,
    batteryPct: 80,
    ...extra,
  });
}

/** A phone's ping stream that records every ack and how the stream ended. */
export class DeviceStream {
  readonly acks: location.PingAck[] = [];
  status?: { code: number; details: string; errorCode?: string };
  private readonly call: ClientDuplexStream<location.PingBatch, location.PingAck>;
  private readonly ended: Promise<void>;

  constructor(
    private readonly client: location.DeviceIngestClient,
    token: string | undefined,
  ) {
    const md = new Metadata();
    if (token !== undefined) md.set('authorization', `Bearer ${token}`);
    this.call = client.streamPingBatches(md);
    this.call.on('data', (a: location.PingAck) => this.acks.push(a));
    this.ended = new Promise((resolve) => {
      this.call.on('status', (s) => {
        this.status = {
          code: s.code,
          details: s.details,
          errorCode: s.metadata.get('fl-error-code')[0]?.toString(),
        };
        resolve();
      });
      this.call.on('error', (err: ServiceError) => {
        this.status ??= {
          code: err.code,
          details: err.details,
          errorCode: err.metadata?.get('fl-error-code')[0]?.toString(),
        };
        resolve();
      });
    });
  }

  static open(address: string, token: string | undefined): DeviceStream {
    return new DeviceStream(new location.DeviceIngestClient(address, credentials.createInsecure()), token);
  }

  send(pings: location.Ping[]): void {
    this.call.write({ pings });
  }

  get ackedSeq(): number {
    return this.acks.reduce((m, a) => Math.max(m, a.ackedSeq), 0);
  }

  rejections(): location.PingRejection[] {
    return this.acks.flatMap((a) => a.rejected);
  }

  /** Waits until the server acked `seq` (every seq up to it stored or rejected). */
  waitAcked(seq: number): Promise<true> {
    return waitFor(
      () =>
        this.ackedSeq >= seq ||
        (this.status ? Promise.reject(new Error(`stream ended: ${this.status.details}`)) : false),
      {
        what: `ack of seq ${seq}`,
        timeoutMs: 20_000,
      },
    ) as Promise<true>;
  }

  /** Says "no more pings" and waits for the server to end the stream (after its last acks). */
  async finish(): Promise<void> {
    this.call.end();
    await this.ended;
    this.client.close();
  }

  /** Drops the connection without a goodbye, like a phone losing its network. */
  cut(): void {
    this.call.cancel();
    this.client.close();
  }

  async closed(): Promise<void> {
    await this.ended;
  }
}
