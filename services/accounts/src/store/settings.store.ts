// SQL for tenant settings: one row per tenant, saved only over the version it was read at.
import type { Kysely } from 'kysely';
import type { Role } from '../domain/roles.js';
import type { JobStatus, Settings } from '../domain/settings.js';
import type { AccountsDb, SettingsTable } from './schema.js';

const toSettings = (r: SettingsTable): Settings => ({
  tenantId: r.tenant_id,
  dispatchEnabled: r.dispatch_enabled,
  autoLoggingEnabled: r.auto_logging_enabled,
  minOnSiteSeconds: r.min_on_site_seconds,
  categories: r.categories,
  taskNumberFormat: r.task_number_format,
  allowedUploadTypes: r.allowed_upload_types,
  maxUploadBytes: r.max_upload_bytes,
  invitationTtlHours: r.invitation_ttl_hours,
  timezone: r.timezone,
  currency: r.currency,
  jobCreationBlockedRoles: r.job_creation_blocked_roles as Role[],
  positionStaleSeconds: r.position_stale_seconds,
  formKey: r.form_key,
  formPrimaryColor: r.form_primary_color,
  formLogoUrl: r.form_logo_url,
  soldStatuses: r.sold_statuses as JobStatus[],
  version: r.version,
  updatedAt: r.updated_at,
});

const toRow = (s: Settings): SettingsTable => ({
  tenant_id: s.tenantId,
  dispatch_enabled: s.dispatchEnabled,
  auto_logging_enabled: s.autoLoggingEnabled,
  min_on_site_seconds: s.minOnSiteSeconds,
  categories: s.categories,
  task_number_format: s.taskNumberFormat,
  allowed_upload_types: s.allowedUploadTypes,
  max_upload_bytes: s.maxUploadBytes,
  invitation_ttl_hours: s.invitationTtlHours,
  timezone: s.timezone,
  currency: s.currency,
  job_creation_blocked_roles: s.jobCreationBlockedRoles,
  position_stale_seconds: s.positionStaleSeconds,
  form_key: s.formKey,
  form_primary_color: s.formPrimaryColor,
  form_logo_url: s.formLogoUrl,
  sold_statuses: s.soldStatuses,
  version: s.version,
  updated_at: s.updatedAt,
});

export class SettingsStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  async insert(settings: Settings): Promise<void> {
    await this.db.insertInto('settings').values(toRow(settings)).execute();
  }

  /** The tenant's settings; `forUpdate` holds them until the transaction ends. */
  async get(tenantId: string, opts: { forUpdate?: boolean } = {}): Promise<Settings | undefined> {
    let q = this.db.selectFrom('settings').selectAll().where('tenant_id', '=', tenantId);
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toSettings(row);
  }

  /** The settings holding this public form key (keys are unique across tenants). */
  async byFormKey(formKey: string): Promise<Settings | undefined> {
    const row = await this.db.selectFrom('settings').selectAll().where('form_key', '=', formKey).executeTakeFirst();
    return row && toSettings(row);
  }

  /** Writes `next` over the row still at `previousVersion`; false when someone else saved first. */
  async save(next: Settings, previousVersion: number): Promise<boolean> {
    const { tenant_id, ...values } = toRow(next);
    const res = await this.db
      .updateTable('settings')
      .set(values)
      .where('tenant_id', '=', tenant_id)
      .where('version', '=', previousVersion)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }
}
