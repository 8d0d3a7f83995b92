// Typed promise clients for every accounts gRPC service, plus its grpc.health.v1 check, over one address.
import { createGrpcClient, type PromiseClient } from '@fieldline/platform';
import { accounts } from '@fieldline/proto';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

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

type HealthCheck = (
  req: { service: string },
  options: { deadline: number },
  cb: (err: ServiceError | null, res?: { status?: number | string }) => void,
) => void;
// grpc-health-check ships the service definition only; a generic client gives it a Check method.
const HealthClient = makeGenericClientConstructor(healthService, 'Health') as unknown as new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
) => { Check: HealthCheck; close(): void };
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

export function createAccountsClients(address: string, deadlineMs: number): AccountsClients {
  const opts = { deadlineMs };
  const health = new HealthClient(address, credentials.createInsecure());
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
    health: (ms) =>
      new Promise((resolve, reject) => {
        health.Check({ service: '' }, { deadline: Date.now() + ms }, (err, res) => {
          if (err) return reject(err);
          const status = res?.status;
          resolve(typeof status === 'number' ? (SERVING_STATUS[status] ?? 'UNKNOWN') : String(status ?? 'UNKNOWN'));
        });
      }),
    close: () => {
      for (const c of Object.values(clients)) c.close();
      health.close();
    },
  };
}
