// Keeps location's copies of accounts data: tenant settings, customer sites (fences), users (active or not).
// Durable consumer shared by the replicas; each write NOTIFYs every replica to reload what changed.
import { type EventEnvelope, eventFilter, type Logger, type NatsConnection, runConsumer } from '@fieldline/platform';
import { type accounts, accountsEvents } from '@fieldline/proto';
import type { Kysely, Transaction } from 'kysely';
import type { TenantSettings } from '../domain/engine.js';
import { type CustomerSite, SITE_FENCE_RADIUS_M, siteHasCoordinates } from '../domain/site-fences.js';
import type { LocationDb } from '../store/schema.js';
import { SiteFencesStore } from '../store/site-fences.store.js';
import { notifyChange } from '../store/state-changes.js';
import { TenantSettingsStore } from '../store/tenant-settings.store.js';
import { WorkersStore } from '../store/workers.store.js';

export const ACCOUNTS_CONSUMER = 'location-accounts';

const USER_EVENTS = new Set(['user_created', 'user_updated', 'user_deactivated', 'user_activated']);
const CUSTOMER_EVENTS = new Set(['customer_created', 'customer_updated', 'customer_coworkers_changed']);

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, Math.trunc(v)));

/** Accounts' settings as the engine takes them (clamped to the engine's ranges: a bad upstream value must not jam the consumer). */
export function settingsFromProto(s: accounts.Settings): TenantSettings {
  return {
    minOnSiteSeconds: clamp(s.minOnSiteSeconds, 0, 86_400),
    autoLoggingEnabled: s.autoLoggingEnabled,
    dispatchEnabled: s.dispatchEnabled,
    positionStaleSeconds: clamp(s.positionStaleSeconds || 300, 1, 7 * 86_400),
  };
}

/** The customer's sites that can be fences: an active customer's sites with coordinates. */
export function sitesFromProto(c: accounts.Customer): CustomerSite[] {
  if (!c.active) return [];
  return c.sites
    .filter((s) => s.id && siteHasCoordinates(s.lat, s.lng))
    .map((s) => ({
      tenantId: c.tenantId,
      customerId: c.id,
      siteId: s.id,
      lat: s.lat,
      lng: s.lng,
      radiusM: SITE_FENCE_RADIUS_M,
    }));
}

export async function applyAccountsEvent(
  tx: Kysely<LocationDb>,
  envelope: EventEnvelope,
  payload: Uint8Array,
  now: Date,
): Promise<void> {
  const tenantId = envelope.tenantId;
  if (envelope.type === 'settings_updated') {
    const { settings } = accountsEvents.SettingsChanged.decode(payload);
    if (!settings || settings.tenantId !== tenantId) return;
    if (await new TenantSettingsStore(tx).put(tenantId, settingsFromProto(settings), settings.version, now)) {
      await notifyChange(tx, { kind: 'settings', tenantId });
    }
  } else if (CUSTOMER_EVENTS.has(envelope.type)) {
    const { customer } = accountsEvents.CustomerChanged.decode(payload);
    if (!customer || customer.tenantId !== tenantId) return;
    const sites = sitesFromProto(customer);
    if (await new SiteFencesStore(tx).putCustomer(tenantId, customer.id, customer.version, sites, now)) {
      await notifyChange(tx, { kind: 'customer', tenantId, id: customer.id });
    }
  } else if (USER_EVENTS.has(envelope.type) || envelope.type === 'invitation_accepted') {
    const user =
      envelope.type === 'invitation_accepted'
        ? accountsEvents.InvitationAccepted.decode(payload).user
        : accountsEvents.UserChanged.decode(payload).user;
    if (!user || user.tenantId !== tenantId) return;
    const worker = { tenantId, workerId: user.id, role: user.role, active: user.active, version: user.version };
    if (await new WorkersStore(tx).put(worker, now)) await notifyChange(tx, { kind: 'worker', tenantId, id: user.id });
  }
  // Other accounts events (tenant_created, invitations, devices, ...) change nothing here.
}

export function startAccountsConsumer(opts: {
  nc: NatsConnection;
  db: Kysely<LocationDb>;
  prefix: string;
  log: Logger;
  clock: () => Date;
}) {
  return runConsumer({
    nc: opts.nc,
    db: opts.db,
    prefix: opts.prefix,
    durable: ACCOUNTS_CONSUMER,
    // One filter for every accounts event: works on servers without multi-filter consumers too.
    filterSubjects: [eventFilter({ prefix: opts.prefix, producer: 'accounts' })],
    handle: (tx, envelope, payload) =>
      applyAccountsEvent(tx as Transaction<LocationDb>, envelope, payload, opts.clock()),
    log: opts.log,
  });
}
