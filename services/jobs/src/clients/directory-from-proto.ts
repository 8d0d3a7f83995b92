// Accounts' proto messages (gRPC answers and event payloads) as the directory's domain records.
import type { accounts } from '@fieldline/proto';
import type { DirCustomer, DirSettings, DirUser, Role } from '../domain/directory.js';

export const userFromProto = (u: accounts.User): DirUser => ({
  tenantId: u.tenantId,
  id: u.id,
  name: u.name,
  email: u.email,
  role: u.role as Role,
  customerId: u.customerId || undefined,
  active: u.active,
  version: u.version,
});

export const customerFromProto = (c: accounts.Customer): DirCustomer => ({
  tenantId: c.tenantId,
  id: c.id,
  code: c.code,
  name: c.name,
  slaHours: c.slaHours,
  coworkerIds: [...c.coworkerIds],
  sites: c.sites.map((s) => ({ id: s.id, name: s.name, address: s.address, lat: s.lat, lng: s.lng })),
  phone: c.phone,
  email: c.email,
  active: c.active,
  version: c.version,
});

export const settingsFromProto = (s: accounts.Settings): DirSettings => ({
  tenantId: s.tenantId,
  categories: [...s.categories],
  taskNumberFormat: s.taskNumberFormat,
  jobCreationBlockedRoles: s.jobCreationBlockedRoles as Role[],
  allowedUploadTypes: [...s.allowedUploadTypes],
  maxUploadBytes: s.maxUploadBytes,
  timezone: s.timezone,
  currency: s.currency,
  dispatchEnabled: s.dispatchEnabled,
  autoLoggingEnabled: s.autoLoggingEnabled,
  minOnSiteSeconds: s.minOnSiteSeconds,
  formKey: s.formKey,
  formPrimaryColor: s.formPrimaryColor,
  formLogoUrl: s.formLogoUrl,
  version: s.version,
});
