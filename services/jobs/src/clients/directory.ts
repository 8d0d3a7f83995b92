// Users, customers and settings from accounts, as jobs reads them: the local copy first (kept current by
// the accounts-events consumer), and on a miss accounts' DirectoryService with the caller forwarded, whose
// answer is written into the copy. So a customer created a millisecond ago is found, and a deactivated user
// is refused as soon as the event (or a lookup) has told us. Public intake's two questions (a form key's
// tenant, a phone number's customer) go through the same client: the service holds one channel to accounts.
import {
  type Caller,
  createGrpcClient,
  fromGrpcError,
  type Logger,
  NotFound,
  type PromiseClient,
  Unauthenticated,
} from '@fieldline/platform';
import { accounts } from '@fieldline/proto';
import { Metadata } from '@grpc/grpc-js';
import type { Kysely } from 'kysely';
import type { Actor } from '../domain/actor.js';
import type { DirCustomer, DirSettings, DirUser } from '../domain/directory.js';
import { DirectoryUnavailable, UserDeactivated } from '../domain/errors.js';
import { DirectoryStore } from '../store/directory.store.js';
import { assignedCustomers } from '../store/job-access.js';
import type { JobsDb } from '../store/schema.js';
import { customerFromProto, settingsFromProto, userFromProto } from './directory-from-proto.js';

// A service's own directory call names the tenant in this metadata key (accounts' DirectoryService reads it).
const TENANT_KEY = 'x-fl-tenant-id';

export type DirectoryClient = PromiseClient<accounts.DirectoryServiceClient>;

export function createDirectoryClient(address: string): DirectoryClient {
  return createGrpcClient(accounts.DirectoryServiceClient, address, { deadlineMs: 5_000 });
}

/** The tenant behind a public form key, as intake shows it. */
export interface FormTenant {
  id: string;
  name: string;
}

export interface DirectoryLookup {
  userIds?: readonly string[];
  customerIds?: readonly string[];
  settings?: boolean;
}

export class Directory {
  private readonly local: DirectoryStore;

  /**
   * `db` should be a pool of its own: callers consult the directory while holding a transaction, and a
   * lookup that waited for a connection of the same pool could wait forever.
   */
  constructor(
    private readonly db: Kysely<JobsDb>,
    private readonly client: DirectoryClient | undefined,
    private readonly log: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.local = new DirectoryStore(db);
  }

  /**
   * The caller as re-established from the directory: still active (else UNAUTHENTICATED), with today's role
   * and customer for users and devices (an API key keeps the role it was made with), and a coworker's
   * assigned customers.
   */
  async authenticate(caller: Caller): Promise<Actor> {
    const user = (await this.users(caller.tenantId, [caller.userId], caller)).get(caller.userId);
    if (!user) throw new Unauthenticated('the calling user is not known in this tenant', 'CREDENTIAL_REVOKED');
    if (!user.active) throw new UserDeactivated();
    const role = caller.kind === 'api_key' ? caller.role : user.role;
    const customerId = caller.kind === 'api_key' ? caller.customerId : user.customerId;
    return {
      kind: caller.kind,
      tenantId: caller.tenantId,
      userId: caller.userId,
      role,
      customerId,
      assignedCustomerIds: role === 'coworker' ? await assignedCustomers(this.db, caller.tenantId, caller.userId) : [],
    };
  }

  /**
   * The users of `ids` that exist in the tenant (unknown ids are left out). `via` is the caller to forward
   * on a miss; without one the lookup is the service's own, for the tenant.
   */
  async users(tenantId: string, ids: readonly string[], via?: Caller): Promise<Map<string, DirUser>> {
    const found = new Map((await this.local.users(tenantId, ids)).map((u) => [u.id, u]));
    const missing = [...new Set(ids)].filter((id) => !found.has(id));
    if (missing.length > 0) {
      const res = await this.lookup(tenantId, via, { userIds: missing });
      for (const u of res.users) if (u.tenantId === tenantId) found.set(u.id, u);
    }
    return found;
  }

  async user(tenantId: string, id: string, via?: Caller): Promise<DirUser | undefined> {
    return (await this.users(tenantId, [id], via)).get(id);
  }

  async customers(tenantId: string, ids: readonly string[], via?: Caller): Promise<Map<string, DirCustomer>> {
    const found = new Map((await this.local.customers(tenantId, ids)).map((c) => [c.id, c]));
    const missing = [...new Set(ids)].filter((id) => !found.has(id));
    if (missing.length > 0) {
      const res = await this.lookup(tenantId, via, { customerIds: missing });
      for (const c of res.customers) if (c.tenantId === tenantId) found.set(c.id, c);
    }
    return found;
  }

  async customer(tenantId: string, id: string, via?: Caller): Promise<DirCustomer | undefined> {
    return (await this.customers(tenantId, [id], via)).get(id);
  }

  /** The customer with this code (case-insensitive), from the local copy only (accounts has no lookup by code). */
  customerByCode(tenantId: string, code: string): Promise<DirCustomer | undefined> {
    return this.local.customerByCode(tenantId, code);
  }

  /** The tenant's settings (every tenant has them; DIRECTORY_UNAVAILABLE when accounts cannot be asked). */
  async settings(tenantId: string, via?: Caller): Promise<DirSettings> {
    const local = await this.local.settings(tenantId);
    if (local) return local;
    const res = await this.lookup(tenantId, via, { settings: true });
    if (res.settings && res.settings.tenantId === tenantId) return res.settings;
    throw new DirectoryUnavailable();
  }

  /** The coworkers' ids assigned to customers, for auto-assign: kept here so the store stays SQL only. */
  async assignedCustomerIds(tenantId: string, userId: string): Promise<string[]> {
    return assignedCustomers(this.db, tenantId, userId);
  }

  /**
   * The tenant whose public request form has this key, with its settings; NOT_FOUND FORM_NOT_FOUND otherwise.
   * Always asked of accounts (a key can be rotated at any time) and not remembered: a public page view does
   * not write.
   */
  async resolveFormKey(formKey: string): Promise<{ tenant: FormTenant; settings: DirSettings }> {
    const client = this.requireClient();
    const res = await client.resolveFormKey({ formKey }).catch((err: unknown) => this.notFoundOrThrow(err, {}));
    if (!res?.tenant || !res.settings) throw new NotFound('FORM_NOT_FOUND', 'no such form');
    return { tenant: { id: res.tenant.id, name: res.tenant.name }, settings: settingsFromProto(res.settings) };
  }

  /**
   * The customer of the tenant whose phone (or a contact's) matches, asked of accounts on behalf of `via`
   * (or naming only the tenant); undefined when none matches or the number is not one accounts searches.
   * A match is remembered in the local copy.
   */
  async findCustomerByPhone(tenantId: string, phone: string, via?: Caller): Promise<DirCustomer | undefined> {
    const client = this.requireClient();
    let customer: accounts.Customer | undefined;
    try {
      customer = await client.findCustomerByPhone(
        { phone },
        { caller: via, metadata: this.tenantMetadata(tenantId, via) },
      );
    } catch (err) {
      // A number accounts will not even search (too few digits, e.g. a short code) matches nobody either.
      if (fromGrpcError(err)?.kind === 'invalid_argument') return undefined;
      return this.notFoundOrThrow(err, { tenantId });
    }
    if (customer.tenantId !== tenantId) return undefined;
    await this.remember({ customers: [customer] });
    return customerFromProto(customer);
  }

  /** Writes what another answer of accounts carried (newest version wins), so later reads find it locally. */
  async remember(found: {
    users?: accounts.User[];
    customers?: accounts.Customer[];
    settings?: accounts.Settings;
  }): Promise<void> {
    const now = this.clock();
    for (const u of found.users ?? []) await this.local.putUser(userFromProto(u), now);
    for (const c of found.customers ?? []) await this.local.putCustomer(customerFromProto(c), now);
    if (found.settings) await this.local.putSettings(settingsFromProto(found.settings), now);
  }

  /**
   * Asks accounts on behalf of `via` (forwarded, so accounts re-checks that credential too) or, for the
   * service's own work (public intake, consumers, workers), naming only the tenant.
   */
  private async lookup(
    tenantId: string,
    via: Caller | undefined,
    what: DirectoryLookup,
  ): Promise<{ users: DirUser[]; customers: DirCustomer[]; settings?: DirSettings }> {
    if (!this.client) return { users: [], customers: [] };
    let res: accounts.LookupDirectoryResponse;
    try {
      res = await this.client.lookupDirectory(
        {
          userIds: [...(what.userIds ?? [])],
          customerIds: [...(what.customerIds ?? [])],
          includeSettings: what.settings ?? false,
        },
        { caller: via, metadata: this.tenantMetadata(tenantId, via) },
      );
    } catch (err) {
      this.notFoundOrThrow(err, { tenantId });
      return { users: [], customers: [] };
    }
    await this.remember({
      users: res.users,
      customers: res.customers,
      settings: res.settings,
    });
    return {
      users: res.users.map(userFromProto),
      customers: res.customers.map(customerFromProto),
      settings: res.settings ? settingsFromProto(res.settings) : undefined,
    };
  }

  /** Closes the channel to accounts (the service's stop does; nothing else holds one). */
  close(): void {
    this.client?.close();
  }

  private requireClient(): DirectoryClient {
    if (!this.client) throw new DirectoryUnavailable();
    return this.client;
  }

  /** A service's own call names the tenant; a forwarded caller carries it already. */
  private tenantMetadata(tenantId: string, via: Caller | undefined): Metadata {
    const metadata = new Metadata();
    if (!via) metadata.set(TENANT_KEY, tenantId);
    return metadata;
  }

  /** Undefined for NOT_FOUND; accounts refusing the caller passes through; anything else is an outage. */
  private notFoundOrThrow(err: unknown, fields: { tenantId?: string }): undefined {
    const domain = fromGrpcError(err);
    if (domain?.kind === 'not_found') return undefined;
    // Accounts refusing the caller (deactivated, revoked) is the caller's answer, not an outage.
    if (domain && (domain.kind === 'unauthenticated' || domain.kind === 'permission_denied')) throw domain;
    this.log.warn({ err, ...fields }, 'accounts directory call failed');
    throw new DirectoryUnavailable();
  }
}
