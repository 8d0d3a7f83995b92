// SQL for customers with their sites, contacts and assigned coworkers; lists filtered by the viewer's scope.
import { type Kysely, sql } from 'kysely';
import type { Customer } from '../domain/customer.js';
import type { CustomerScope } from '../domain/customer-visibility.js';
import { CustomerCodeTaken } from '../domain/errors.js';
import type { Page } from '../domain/pagination.js';
import { isUniqueViolation, likePattern } from './pg-errors.js';
import type { AccountsDb, CustomersTable } from './schema.js';

export class CustomersStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  async insert(customer: Customer): Promise<void> {
    try {
      await this.db.insertInto('customers').values(this.row(customer)).execute();
    } catch (err) {
      if (isUniqueViolation(err, 'customers_tenant_id_code_key')) throw new CustomerCodeTaken(customer.code);
      throw err;
    }
    await this.writeChildren(customer);
    await this.writeCoworkers(customer);
  }

  /** Writes `next` over the row still at `previousVersion`; false when someone else saved first. */
  async save(next: Customer, previousVersion: number): Promise<boolean> {
    const { id, tenant_id, created_at, ...values } = this.row(next);
    let updated: bigint;
    try {
      const res = await this.db
        .updateTable('customers')
        .set(values)
        .where('tenant_id', '=', tenant_id)
        .where('id', '=', id)
        .where('version', '=', previousVersion)
        .executeTakeFirst();
      updated = res.numUpdatedRows;
    } catch (err) {
      if (isUniqueViolation(err, 'customers_tenant_id_code_key')) throw new CustomerCodeTaken(next.code);
      throw err;
    }
    if (updated === 0n) return false;
    await this.db
      .deleteFrom('customer_sites')
      .where('tenant_id', '=', tenant_id)
      .where('customer_id', '=', id)
      .execute();
    await this.db
      .deleteFrom('customer_contacts')
      .where('tenant_id', '=', tenant_id)
      .where('customer_id', '=', id)
      .execute();
    await this.writeChildren(next);
    return true;
  }

  /** Replaces the assigned coworkers (and bumps the version, since the customer as others see it changed). */
  async saveCoworkers(next: Customer, previousVersion: number): Promise<boolean> {
    const res = await this.db
      .updateTable('customers')
      .set({ version: next.version, updated_at: next.updatedAt })
      .where('tenant_id', '=', next.tenantId)
      .where('id', '=', next.id)
      .where('version', '=', previousVersion)
      .executeTakeFirst();
    if (res.numUpdatedRows === 0n) return false;
    await this.db
      .deleteFrom('customer_coworkers')
      .where('tenant_id', '=', next.tenantId)
      .where('customer_id', '=', next.id)
      .execute();
    await this.writeCoworkers(next);
    return true;
  }

  async get(tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Customer | undefined> {
    let q = this.db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) return undefined;
    return (await this.withChildren(tenantId, [row]))[0];
  }

  /** The customers of `ids` that exist in the tenant (unknown ids are left out). */
  async getMany(tenantId: string, ids: readonly string[]): Promise<Customer[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...ids])
      .execute();
    return this.withChildren(tenantId, rows);
  }

  /**
   * The active customer whose phone, or one of whose contacts' phones, ends with the same last nine digits
   * as `digits` (so "+49 30 1234567", "0049301234567" and "030 1234567" meet); the oldest one wins.
   */
  async findByPhoneDigits(tenantId: string, digits: string): Promise<Customer | undefined> {
    const tail = digits.slice(-9);
    const phoneMatches = (column: string) =>
      sql<boolean>`right(regexp_replace(${sql.ref(column)}, '[^0-9]', '', 'g'), 9) = ${tail}`;
    const row = await this.db
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('active', '=', true)
      .where((eb) =>
        eb.or([
          phoneMatches('customers.phone'),
          eb.exists(
            eb
              .selectFrom('customer_contacts')
              .select('customer_contacts.id')
              .whereRef('customer_contacts.customer_id', '=', 'customers.id')
              .where('customer_contacts.tenant_id', '=', tenantId)
              .where(phoneMatches('customer_contacts.phone')),
          ),
        ]),
      )
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row && (await this.withChildren(tenantId, [row]))[0];
  }

  async exists(tenantId: string, id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('customers')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Ids of the customers a coworker is assigned to. */
  async assignedTo(tenantId: string, userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('customer_coworkers')
      .select('customer_id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => r.customer_id);
  }

  /** `limit + 1` customers the scope allows, after the cursor, optionally matching `q` in code or name. */
  async list(tenantId: string, scope: CustomerScope, q: string | undefined, page: Page): Promise<Customer[]> {
    if (scope.kind === 'none') return [];
    let query = this.db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId);
    if (scope.kind === 'own') query = query.where('id', '=', scope.customerId);
    if (scope.kind === 'assigned') {
      query = query.where('id', 'in', (eb) =>
        eb
          .selectFrom('customer_coworkers')
          .select('customer_id')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', scope.userId),
      );
    }
    if (q) {
      const pattern = likePattern(q);
      query = query.where((eb) => eb.or([eb('code', 'ilike', pattern), eb('name', 'ilike', pattern)]));
    }
    if (page.after) query = query.where('id', '>', page.after);
    const rows = await query
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return this.withChildren(tenantId, rows);
  }

  private row(c: Customer): CustomersTable {
    return {
      id: c.id,
      tenant_id: c.tenantId,
      code: c.code,
      name: c.name,
      sla_hours: c.slaHours,
      email: c.email,
      phone: c.phone,
      active: c.active,
      version: c.version,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    };
  }

  private async writeChildren(c: Customer): Promise<void> {
    if (c.sites.length > 0) {
      await this.db
        .insertInto('customer_sites')
        .values(c.sites.map((s, position) => ({ ...s, tenant_id: c.tenantId, customer_id: c.id, position })))
        .execute();
    }
    if (c.contacts.length > 0) {
      await this.db
        .insertInto('customer_contacts')
        .values(c.contacts.map((x, position) => ({ ...x, tenant_id: c.tenantId, customer_id: c.id, position })))
        .execute();
    }
  }

  private async writeCoworkers(c: Customer): Promise<void> {
    if (c.coworkerIds.length === 0) return;
    await this.db
      .insertInto('customer_coworkers')
      .values(c.coworkerIds.map((user_id) => ({ tenant_id: c.tenantId, customer_id: c.id, user_id })))
      .execute();
  }

  // One query per child table for the whole page, not one per customer.
  private async withChildren(tenantId: string, rows: CustomersTable[]): Promise<Customer[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [sites, contacts, coworkers] = await Promise.all([
      this.db
        .selectFrom('customer_sites')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('customer_id', 'in', ids)
        .orderBy('position')
        .execute(),
      this.db
        .selectFrom('customer_contacts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('customer_id', 'in', ids)
        .orderBy('position')
        .execute(),
      this.db
        .selectFrom('customer_coworkers')
        .select(['customer_id', 'user_id'])
        .where('tenant_id', '=', tenantId)
        .where('customer_id', 'in', ids)
        .execute(),
    ]);
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      code: r.code,
      name: r.name,
      slaHours: r.sla_hours,
      email: r.email,
      phone: r.phone,
      active: r.active,
      sites: sites
        .filter((s) => s.customer_id === r.id)
        .map(({ id, name, address, lat, lng }) => ({ id, name, address, lat, lng })),
      contacts: contacts
        .filter((c) => c.customer_id === r.id)
        .map(({ id, name, email, phone, title }) => ({ id, name, email, phone, title })),
      coworkerIds: coworkers
        .filter((c) => c.customer_id === r.id)
        .map((c) => c.user_id)
        .sort(),
      version: r.version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }
}
