// SQL for tenants: create with a unique slug, read, and lock one while a tenant-wide rule is checked.
import type { Kysely } from 'kysely';
import type { Tenant } from '../domain/tenant.js';
import type { AccountsDb, TenantsTable } from './schema.js';

const toTenant = (r: TenantsTable): Tenant => ({ id: r.id, slug: r.slug, name: r.name, createdAt: r.created_at });

export class TenantsStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  /** Slugs equal to `base` or `base-<something>`, to pick the next free suffix. */
  async slugsLike(base: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tenants')
      .select('slug')
      .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
      .execute();
    return rows.map((r) => r.slug);
  }

  /** Inserts the tenant; false when its slug was taken meanwhile (the caller picks another). */
  async tryInsert(tenant: Tenant): Promise<boolean> {
    const inserted = await this.db
      .insertInto('tenants')
      .values({ id: tenant.id, slug: tenant.slug, name: tenant.name, created_at: tenant.createdAt })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async get(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTenant(row);
  }

  /** Serialises the tenant-wide checks (last admin, pending invitation) of concurrent transactions. */
  async lock(id: string): Promise<void> {
    await this.db.selectFrom('tenants').select('id').where('id', '=', id).forUpdate().execute();
  }
}
