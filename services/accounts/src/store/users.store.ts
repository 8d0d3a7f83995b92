// SQL for users: always inside one tenant; e-mail unique per tenant, case-insensitively.
import { type Kysely, sql } from 'kysely';
import { EmailTaken } from '../domain/errors.js';
import type { Page } from '../domain/pagination.js';
import type { Role } from '../domain/roles.js';
import type { Tenant } from '../domain/tenant.js';
import type { User, UserListFilter } from '../domain/user.js';
import { isUniqueViolation, likePattern } from './pg-errors.js';
import type { AccountsDb, UsersTable } from './schema.js';

export const toUser = (r: UsersTable): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  email: r.email ?? undefined,
  role: r.role as Role,
  customerId: r.customer_id ?? undefined,
  active: r.active,
  phone: r.phone,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

export class UsersStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  async insert(user: User, passwordHash: string | undefined): Promise<void> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          tenant_id: user.tenantId,
          name: user.name,
          email: user.email ?? null,
          role: user.role,
          customer_id: user.customerId ?? null,
          active: user.active,
          phone: user.phone,
          password_hash: passwordHash ?? null,
          version: user.version,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err, 'users_tenant_email')) throw new EmailTaken();
      throw err;
    }
  }

  async get(tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<User | undefined> {
    let q = this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toUser(row);
  }

  /**
   * An active user with their tenant, in one round trip: what GET /v1/me needs, on the hot path of every
   * dashboard load, so the credential check and the read are the same query.
   */
  async activeWithTenant(tenantId: string, id: string): Promise<{ user: User; tenant: Tenant } | undefined> {
    return (await this.activeWithTenants([{ tenantId, userId: id }]))[0];
  }

  /**
   * activeWithTenant for many users in one query, answered in the order asked (undefined where the user is unknown
   * in that tenant or deactivated). Matched on tenant and id together: a lookup never sees another tenant's user.
   */
  async activeWithTenants(
    lookups: ReadonlyArray<{ tenantId: string; userId: string }>,
  ): Promise<Array<{ user: User; tenant: Tenant } | undefined>> {
    if (lookups.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
      .selectAll('users')
      .select(['tenants.slug as tenant_slug', 'tenants.name as tenant_name', 'tenants.created_at as tenant_created_at'])
      .where('users.id', 'in', [...new Set(lookups.map((l) => l.userId))])
      .where('users.active', '=', true)
      .execute();
    const found = new Map<string, { user: User; tenant: Tenant }>();
    for (const { tenant_slug, tenant_name, tenant_created_at, ...user } of rows) {
      found.set(`${user.tenant_id}/${user.id}`, {
        user: toUser(user),
        tenant: { id: user.tenant_id, slug: tenant_slug, name: tenant_name, createdAt: tenant_created_at },
      });
    }
    return lookups.map((l) => found.get(`${l.tenantId}/${l.userId}`));
  }

  /** The users of `ids` that exist in the tenant (unknown ids are left out). */
  async getMany(tenantId: string, ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...ids])
      .execute();
    return rows.map(toUser);
  }

  async emailTaken(tenantId: string, email: string, exceptUserId?: string): Promise<boolean> {
    let q = this.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where(sql<string>`lower(email)`, '=', email.toLowerCase());
    if (exceptUserId) q = q.where('id', '<>', exceptUserId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  /** The user a login names (tenant by slug, e-mail case-insensitively) with their password hash. */
  async forLogin(
    tenantSlug: string,
    email: string,
  ): Promise<{ user: User; passwordHash: string | undefined } | undefined> {
    const row = await this.db
      .selectFrom('users')
      .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
      .selectAll('users')
      .where('tenants.slug', '=', tenantSlug)
      .where(sql<string>`lower(users.email)`, '=', email.toLowerCase())
      .executeTakeFirst();
    return row && { user: toUser(row), passwordHash: row.password_hash ?? undefined };
  }

  /** Writes `next` over the row still at `previousVersion`; false when someone else saved first. */
  async save(next: User, previousVersion: number, passwordHash?: string): Promise<boolean> {
    try {
      const res = await this.db
        .updateTable('users')
        .set({
          name: next.name,
          email: next.email ?? null,
          role: next.role,
          customer_id: next.customerId ?? null,
          active: next.active,
          phone: next.phone,
          version: next.version,
          updated_at: next.updatedAt,
          ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
        })
        .where('tenant_id', '=', next.tenantId)
        .where('id', '=', next.id)
        .where('version', '=', previousVersion)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    } catch (err) {
      if (isUniqueViolation(err, 'users_tenant_email')) throw new EmailTaken();
      throw err;
    }
  }

  /** Active admins of the tenant other than `exceptUserId`. */
  async otherActiveAdmins(tenantId: string, exceptUserId: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role', '=', 'admin')
      .where('active', '=', true)
      .where('id', '<>', exceptUserId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Those of `ids` that are active coworkers of the tenant. */
  async activeCoworkers(tenantId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids)
      .where('role', '=', 'coworker')
      .where('active', '=', true)
      .execute();
    return rows.map((r) => r.id);
  }

  /** `limit + 1` users after the cursor, so the caller knows whether another page exists. */
  async list(tenantId: string, filter: UserListFilter, page: Page): Promise<User[]> {
    let q = this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
    if (filter.role) q = q.where('role', '=', filter.role);
    if (filter.active !== undefined) q = q.where('active', '=', filter.active);
    if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
    if (filter.q) {
      const pattern = likePattern(filter.q);
      q = q.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('email', 'ilike', pattern)]));
    }
    if (page.after) q = q.where('id', '>', page.after);
    const rows = await q
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return rows.map(toUser);
  }
}
