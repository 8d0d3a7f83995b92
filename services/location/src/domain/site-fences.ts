// Customer sites as fences: a circle around each site with coordinates, watching every worker of the tenant.
import type { Fence } from './fence.js';
import { checkLatLng } from './geo.js';

/** The radius of a customer site's fence (accounts keeps no radius per site). */
export const SITE_FENCE_RADIUS_M = 100;

export interface CustomerSite {
  tenantId: string;
  customerId: string;
  siteId: string;
  lat: number;
  lng: number;
  radiusM: number;
}

export function siteFenceId(customerId: string, siteId: string): string {
  return `site:${customerId}:${siteId}`;
}

/**
 * Whether accounts' site has usable coordinates. Accounts sends 0,0 for a site nobody geocoded: that is
 * the Gulf of Guinea, never a customer, so it means "no coordinates".
 */
export function siteHasCoordinates(lat: number, lng: number): boolean {
  return !checkLatLng(lat, lng) && !(lat === 0 && lng === 0);
}

export function siteFence(site: CustomerSite): Fence {
  return {
    id: siteFenceId(site.customerId, site.siteId),
    tenantId: site.tenantId,
    customerId: site.customerId,
    siteId: site.siteId,
    workerIds: 'any',
    shape: { kind: 'circle', lat: site.lat, lng: site.lng, radiusM: site.radiusM },
  };
}
