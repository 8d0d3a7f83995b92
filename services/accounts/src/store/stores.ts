// Every store over one connection or transaction, so a command's reads and writes commit or fail together.
import type { Kysely } from 'kysely';
import { ApiKeysStore } from './api-keys.store.js';
import { CredentialsStore } from './credentials.store.js';
import { CustomersStore } from './customers.store.js';
import { DevicesStore } from './devices.store.js';
import { InvitationsStore } from './invitations.store.js';
import { RefreshTokensStore } from './refresh-tokens.store.js';
import type { AccountsDb } from './schema.js';
import { SettingsStore } from './settings.store.js';
import { TenantsStore } from './tenants.store.js';
import { UsersStore } from './users.store.js';

export interface Stores {
  /** The connection or transaction the stores run on (the outbox writes through it too). */
  db: Kysely<AccountsDb>;
  tenants: TenantsStore;
  settings: SettingsStore;
  users: UsersStore;
  refreshTokens: RefreshTokensStore;
  invitations: InvitationsStore;
  customers: CustomersStore;
  devices: DevicesStore;
  apiKeys: ApiKeysStore;
  credentials: CredentialsStore;
}

export function stores(db: Kysely<AccountsDb>): Stores {
  return {
    db,
    tenants: new TenantsStore(db),
    settings: new SettingsStore(db),
    users: new UsersStore(db),
    refreshTokens: new RefreshTokensStore(db),
    invitations: new InvitationsStore(db),
    customers: new CustomersStore(db),
    devices: new DevicesStore(db),
    apiKeys: new ApiKeysStore(db),
    credentials: new CredentialsStore(db),
  };
}

/** Runs `fn` in one transaction: all of a command's writes and its events, or none of them. */
export function inTransaction<T>(db: Kysely<AccountsDb>, fn: (s: Stores) => Promise<T>): Promise<T> {
  return db.transaction().execute((tx) => fn(stores(tx)));
}
