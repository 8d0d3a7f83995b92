// SQL of the local directory: upserts that keep only the newest version, and reads by id.
import type { Kysely } from 'kysely';
import type { DirCustomer, DirSettings, DirUser, Role } from '../domain/directory.js';
import type { JobsDb } from './schema.js';

export class DirectoryStore {
  constructor(private readonly db: Kysely<JobsDb>) {}

  /** Writes the user unless a newer or equal version is already here (events can arrive out of order). */
  async putUser(u: DirUser, now: Date): Promise<void> {
    const values = {
      tenant_id: u.tenantId,
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      customer_id: u.customerId ?? null,
      active: u.active,
      version: u.version,
      updated_at: now,
    };
    await this.db
      .insertInto('dir_users')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'id'])
          .doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            email: eb.ref('excluded.email'),
            role: eb.ref('excluded.role'),
            customer_id: eb.ref('excluded.customer_id'),
            active: eb.ref('excluded.active'),
            version: eb.ref('excluded.version'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where('dir_users.version', '<', (eb) => eb.ref('excluded.version')),
      )
      .execute();
  }

  async putCustomer(c: DirCustomer, now: Date): Promise<void> {
    const values = {
      tenant_id: c.tenantId,
      id: c.id,
      code: c.code,
      name: c.name,
      sla_hours: c.slaHours,
      coworker_ids: c.coworkerIds,
      sites: JSON.stringify(c.sites),
      phone: c.phone,
      email: c.email,
      active: c.active,
      version: c.version,
      updated_at: now,
    };
    await this.db
      .insertInto('dir_customers')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'id'])
          .doUpdateSet((eb) => ({
            code: eb.ref('excluded.code'),
            name: eb.ref('excluded.name'),
            sla_hours: eb.ref('excluded.sla_hours'),
            coworker_ids: eb.ref('excluded.coworker_ids'),
            sites: eb.ref('excluded.sites'),
            phone: eb.ref('excluded.phone'),
            email: eb.ref('excluded.email'),
            active: eb.ref('excluded.active'),
            version: eb.ref('excluded.version'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where('dir_customers.version', '<', (eb) => eb.ref('excluded.version')),
      )
      .execute();
  }

  async putSettings(s: DirSettings, now: Date): Promise<void> {
    const values = {
      tenant_id: s.tenantId,
      categories: s.categories,
      task_number_format: s.taskNumberFormat,
      job_creation_blocked_roles: s.jobCreationBlockedRoles,
      allowed_upload_types: s.allowedUploadTypes,
      max_upload_bytes: s.maxUploadBytes,
      timezone: s.timezone,
      currency: s.currency,
      dispatch_enabled: s.dispatchEnabled,
      auto_logging_enabled: s.autoLoggingEnabled,
      min_on_site_seconds: s.minOnSiteSeconds,
      form_key: s.formKey,
      form_primary_color: s.formPrimaryColor,
      form_logo_url: s.formLogoUrl,
      version: s.version,
      updated_at: now,
    };
    const { tenant_id: _t, ...changes } = values;
    await this.db
      .insertInto('dir_settings')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('tenant_id')
          .doUpdateSet(changes)
          .where('dir_settings.version', '<', (eb) => eb.ref('excluded.version')),
      )
      .execute();
  }

  async users(tenantId: string, ids: readonly string[]): Promise<DirUser[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('dir_users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      id: r.id,
      name: r.name,
      email: r.email,
      role: r.role as Role,
      customerId: r.customer_id ?? undefined,
      active: r.active,
      version: r.version,
    }));
  }

  async customers(tenantId: string, ids: readonly string[]): Promise<DirCustomer[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('dir_customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map(customerOf);
  }

  async customerByCode(tenantId: string, code: string): Promise<DirCustomer | undefined> {
    const row = await this.db
      .selectFrom('dir_customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb(eb.fn('lower', ['code']), '=', code.toLowerCase()))
      .executeTakeFirst();
    return row ? customerOf(row) : undefined;
  }

  async settings(tenantId: string): Promise<DirSettings | undefined> {
    const r = await this.db.selectFrom('dir_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!r) return undefined;
    return {
      tenantId: r.tenant_id,
      categories: r.categories,
      taskNumberFormat: r.task_number_format,
      jobCreationBlockedRoles: r.job_creation_blocked_roles as Role[],
      allowedUploadTypes: r.allowed_upload_types,
      maxUploadBytes: Number(r.max_upload_bytes),
      timezone: r.timezone,
      currency: r.currency,
      dispatchEnabled: r.dispatch_enabled,
      autoLoggingEnabled: r.auto_logging_enabled,
      minOnSiteSeconds: r.min_on_site_seconds,
      formKey: r.form_key,
      formPrimaryColor: r.form_primary_color,
      formLogoUrl: r.form_logo_url,
      version: r.version,
    };
  }

  /** Active users of the tenant with one of `roles` (auto-assign candidates). */
  async activeUsersWithRoles(tenantId: string, ids: readonly string[], roles: readonly Role[]): Promise<DirUser[]> {
    return (await this.users(tenantId, ids)).filter((u) => u.active && roles.includes(u.role));
  }
}

function customerOf(r: {
  tenant_id: string;
  id: string;
  code: string;
  name: string;
  sla_hours: number;
  coworker_ids: string[];
  sites: DirCustomer['sites'];
  phone: string;
  email: string;
  active: boolean;
  version: number;
}): DirCustomer {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    code: r.code,
    name: r.name,
    slaHours: r.sla_hours,
    coworkerIds: r.coworker_ids,
    sites: r.sites ?? [],
    phone: r.phone,
    email: r.email,
    active: r.active,
    version: r.version,
  };
}
