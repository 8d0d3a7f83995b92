// Starts the accounts service for real (fresh PostgreSQL database, NATS with a private prefix, gRPC on
// 127.0.0.1) with a clock tests can move, typed clients for its eight services, and a tap on its event stream.

import { createGrpcClient, createLogger, dlqStreamName, eventsStreamName } from '@fieldline/platform';
import { accounts } from '@fieldline/proto';
import { callerOf, EventTap, failure, freshDatabase, TestClock, testNatsUrl, uniquePrefix } from '@fieldline/testing';

import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startAccounts } from '../src/app.js';
import type { AccountsConfig } from '../src/config.js';

export { callerOf, EventTap, failure, TestClock };

export const JWT_SECRET = 'test-secret-for-accounts-0123456789abcdef';

export function clients(address: string) {
  return {
    identity: createGrpcClient(accounts.IdentityServiceClient, address),
    users: createGrpcClient(accounts.UsersServiceClient, address),
    invitations: createGrpcClient(accounts.InvitationsServiceClient, address),
    settings: createGrpcClient(accounts.SettingsServiceClient, address),
    customers: createGrpcClient(accounts.CustomersServiceClient, address),
    devices: createGrpcClient(accounts.DevicesServiceClient, address),
    apiKeys: createGrpcClient(accounts.ApiKeysServiceClient, address),
    directory: createGrpcClient(accounts.DirectoryServiceClient, address),
  };
}
export type Clients = ReturnType<typeof clients>;

export interface Harness {
  api: Clients;
  clock: TestClock;
  events: EventTap;
  prefix: string;
  stop(): Promise<void>;
}

export async function startHarness(label: string): Promise<Harness> {
  const database = await freshDatabase(`accounts_${label}`);
  const natsUrl = await testNatsUrl();
  const prefix = uniquePrefix();
  const clock = new TestClock();
  const config: AccountsConfig = {
    grpcPort: 0,
    databaseUrl: database.url,
    databaseName: database.name,
    natsUrl,
    natsPrefix: prefix,
    jwtSecret: JWT_SECRET,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlDays: 30,
    invitationTtlHours: 72,
  };
  const service = await startAccounts({ config, clock: clock.now, log: createLogger('accounts', 'silent') });
  const api = clients(`127.0.0.1:${service.port}`);
  const events = await EventTap.start(natsUrl, prefix).catch(async (err) => {
    await service.stop();
    await database.drop();
    throw err;
  });
  return {
    api,
    clock,
    events,
    prefix,
    stop: async () => {
      for (const client of Object.values(api)) client.close();
      await events.stop();
      await service.stop();
      await database.drop();
      const nc = await connect({ servers: natsUrl });
      const jsm = await jetstreamManager(nc);
      for (const stream of [eventsStreamName(prefix), dlqStreamName(prefix)])
        await jsm.streams.delete(stream).catch(() => {});
      await nc.close();
    },
  };
}

let companies = 0;

/** Signs a new company up; returns its admin as a caller, with the raw response. */
export async function signup(api: Clients, company = `Company ${++companies}`) {
  const email = `admin${companies}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const res = await api.identity.signup({ companyName: company, name: 'Ada Admin', email, password: 'correct horse' });
  return { ...res, email, password: 'correct horse', admin: callerOf(res.user!) };
}

/** A message with every field at its default, for requests that set only a few. */
export const req = {
  createUser: (r: Partial<accounts.CreateUserRequest>) => accounts.CreateUserRequest.fromPartial(r),
  updateUser: (r: Partial<accounts.UpdateUserRequest>) => accounts.UpdateUserRequest.fromPartial(r),
  listUsers: (r: Partial<accounts.ListUsersRequest> = {}) => accounts.ListUsersRequest.fromPartial(r),
  invite: (r: Partial<accounts.CreateInvitationRequest>) => accounts.CreateInvitationRequest.fromPartial(r),
  listInvitations: (r: Partial<accounts.ListInvitationsRequest> = {}) => accounts.ListInvitationsRequest.fromPartial(r),
  updateSettings: (r: Partial<accounts.UpdateSettingsRequest>) => accounts.UpdateSettingsRequest.fromPartial(r),
  createCustomer: (r: Partial<accounts.CreateCustomerRequest>) => accounts.CreateCustomerRequest.fromPartial(r),
  updateCustomer: (r: Partial<accounts.UpdateCustomerRequest>) => accounts.UpdateCustomerRequest.fromPartial(r),
  listCustomers: (r: Partial<accounts.ListCustomersRequest> = {}) => accounts.ListCustomersRequest.fromPartial(r),
  createDevice: (r: Partial<accounts.CreateDeviceRequest>) => accounts.CreateDeviceRequest.fromPartial(r),
  listDevices: (r: Partial<accounts.ListDevicesRequest> = {}) => accounts.ListDevicesRequest.fromPartial(r),
  createApiKey: (r: Partial<accounts.CreateApiKeyRequest>) => accounts.CreateApiKeyRequest.fromPartial(r),
};
