// Typed promise clients for every accounts gRPC service, plus its grpc.health.v1 check, over one address.
import { createGrpcClient, type PromiseClient } from '@fieldline/platform';
import { accounts } from '@fieldline/proto';
import { createHealthCheck } from './grpc-health.js';

export type AccountsClients = {
  identity: PromiseClient<accounts.IdentityServiceClient>;
  users: PromiseClient<accounts.UsersServiceClient>;
  invitations: PromiseClient<accounts.InvitationsServiceClient>;
  settings: PromiseClient<accounts.SettingsServiceClient>;
  customers: PromiseClient<accounts.CustomersServiceClient>;
  devices: PromiseClient<accounts.DevicesServiceClient>;
  apiKeys: PromiseClient<accounts.ApiKeysServiceClient>;
  /** Resolves SERVING, NOT_SERVING, ... or rejects when the service cannot be reached in time. */
  health(deadlineMs: number): Promise<string>;
  close(): void;
};

export function createAccountsClients(address: string, deadlineMs: number): AccountsClients {
  const opts = { deadlineMs };
  const health = createHealthCheck(address);
  const clients = {
    identity: createGrpcClient(accounts.IdentityServiceClient, address, opts),
    users: createGrpcClient(accounts.UsersServiceClient, address, opts),
    invitations: createGrpcClient(accounts.InvitationsServiceClient, address, opts),
    settings: createGrpcClient(accounts.SettingsServiceClient, address, opts),
    customers: createGrpcClient(accounts.CustomersServiceClient, address, opts),
    devices: createGrpcClient(accounts.DevicesServiceClient, address, opts),
    apiKeys: createGrpcClient(accounts.ApiKeysServiceClient, address, opts),
  };
  return {
    ...clients,
    health: (ms) => health.check(ms),
    close: () => {
      for (const c of Object.values(clients)) c.close();
      health.close();
    },
  };
}
