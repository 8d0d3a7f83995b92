// SQL for tenant_settings: the engine's settings per tenant, newest accounts version wins.
import type { Kysely } from 'kysely';
import type { TenantSettings } from '../domain/engine.js';
import type { LocationDb, TenantSettingsTable } from './schema.js';

const toSettings = (r: TenantSettingsTable): TenantSettings => ({
  minOnSiteSeconds: r.min_on_site_seconds,
  autoLoggingEnabled: r.auto_logging_enabled,
  dispatchEnabled: r.dispatch_enabled,
  positionStaleSeconds: r.position_stale_seconds,
});

export class TenantSettingsStore {
  constructor(private readonly db: Kysely<LocationDb>) {}

  /** Writes the settings unless a newer version is stored; returns whether it wrote. */
  async put(tenantId: string, settings: TenantSettings, version: number, now: Date): Promise<boolean> {
    const row = {
      tenant_id: tenantId,
      min_on_site_seconds: settings.minOnSiteSeconds,
      auto_logging_enabled: settings.autoLoggingEnabled,
      dispatch_enabled: settings.dispatchEnabled,
      position_stale_seconds: settings.positionStaleSeconds,
      version,
      updated_at: now,
    };
    const res = await this.db
      .insertInto('tenant_settings')
      .values(row)
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(row).where('tenant_settings.version', '<', version))
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async get(tenantId: string): Promise<TenantSettings | undefined> {
    const row = await this.db
      .selectFrom('tenant_settings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row && toSettings(row);
  }

  async all(): Promise<Array<{ tenantId: string; settings: TenantSettings }>> {
    const rows = await this.db.selectFrom('tenant_settings').selectAll().execute();
    return rows.map((r) => ({ tenantId: r.tenant_id, settings: toSettings(r) }));
  }
}
