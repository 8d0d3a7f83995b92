// The accounts calls location makes: resolve a phone's device token, and look up users it has not heard of yet.
import { createGrpcClient, type PromiseClient } from '@fieldline/platform';
import { accounts } from '@fieldline/proto';

export type IdentityClient = PromiseClient<accounts.IdentityServiceClient>;
export type DirectoryClient = PromiseClient<accounts.DirectoryServiceClient>;

export interface AccountsClients {
  identity: IdentityClient;
  directory: DirectoryClient;
  close(): void;
}

export function createAccountsClients(address: string): AccountsClients {
  const identity = createGrpcClient(accounts.IdentityServiceClient, address, { deadlineMs: 5_000 });
  const directory = createGrpcClient(accounts.DirectoryServiceClient, address, { deadlineMs: 5_000 });
  return {
    identity,
    directory,
    close: () => {
      identity.close();
      directory.close();
    },
  };
}
