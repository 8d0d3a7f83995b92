// SQL for site_fences: a customer's sites with coordinates (replaced as a whole per customer version).
import type { Kysely } from 'kysely';
import type { CustomerSite } from '../domain/site-fences.js';
import type { LocationDb, SiteFencesTable } from './schema.js';

export interface SiteRow extends CustomerSite {
  active: boolean;
}

const toSite = (r: SiteFencesTable): SiteRow => ({
  tenantId: r.tenant_id,
  customerId: r.customer_id,
  siteId: r.site_id,
  lat: r.lat,
  lng: r.lng,
  radiusM: r.radius_m,
  active: r.active,
});

export class SiteFencesStore {
  constructor(private readonly db: Kysely<LocationDb>) {}

  /**
   * Replaces the customer's sites with `sites` (as of customer `version`): listed ones active, the others
   * kept inactive so every replica sees them go. Nothing happens when a newer version is stored.
   */
  async putCustomer(
    tenantId: string,
    customerId: string,
    version: number,
    sites: readonly CustomerSite[],
    now: Date,
  ): Promise<boolean> {
    const stored = await this.db
      .selectFrom('site_fences')
      .select((eb) => eb.fn.max('customer_version').as('v'))
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (stored?.v != null && Number(stored.v) >= version) return false;
    await this.db
      .updateTable('site_fences')
      .set({ active: false, customer_version: version, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .execute();
    for (const s of sites) {
      const row = {
        tenant_id: tenantId,
        customer_id: customerId,
        site_id: s.siteId,
        lat: s.lat,
        lng: s.lng,
        radius_m: s.radiusM,
        active: true,
        customer_version: version,
        updated_at: now,
      };
      await this.db
        .insertInto('site_fences')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'customer_id', 'site_id']).doUpdateSet(row))
        .execute();
    }
    return true;
  }

  /** Every site of the customer, active or not. */
  async ofCustomer(tenantId: string, customerId: string): Promise<SiteRow[]> {
    const rows = await this.db
      .selectFrom('site_fences')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .execute();
    return rows.map(toSite);
  }

  async allActive(): Promise<SiteRow[]> {
    const rows = await this.db.selectFrom('site_fences').selectAll().where('active', '=', true).execute();
    return rows.map(toSite);
  }
}
