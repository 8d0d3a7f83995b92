// Domain objects as the generated proto messages (the wire and the event payloads share them).
import type { accounts } from '@fieldline/proto';
import type { Actor } from '../domain/actor.js';
import type { ApiKey } from '../domain/api-key.js';
import type { Customer } from '../domain/customer.js';
import type { Device } from '../domain/device.js';
import { type Invitation, invitationStatus } from '../domain/invitation.js';
import type { Settings } from '../domain/settings.js';
import type { Tenant } from '../domain/tenant.js';
import type { User } from '../domain/user.js';

export const tenantToProto = (t: Tenant): accounts.Tenant => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  createdAt: t.createdAt,
});

export const userToProto = (u: User): accounts.User => ({
  id: u.id,
  tenantId: u.tenantId,
  name: u.name,
  email: u.email ?? '',
  role: u.role,
  customerId: u.customerId ?? '',
  active: u.active,
  phone: u.phone,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
  version: u.version,
});

export const invitationToProto = (i: Invitation, now: Date): accounts.Invitation => ({
  id: i.id,
  tenantId: i.tenantId,
  email: i.email,
  role: i.role,
  customerId: i.customerId ?? '',
  status: invitationStatus(i, now),
  expiresAt: i.expiresAt,
  createdAt: i.createdAt,
  invitedBy: i.invitedBy,
  userId: i.userId ?? '',
  sendCount: i.sendCount,
  lastSentAt: i.lastSentAt,
});

export const settingsToProto = (s: Settings): accounts.Settings => ({
  tenantId: s.tenantId,
  dispatchEnabled: s.dispatchEnabled,
  autoLoggingEnabled: s.autoLoggingEnabled,
  minOnSiteSeconds: s.minOnSiteSeconds,
  categories: [...s.categories],
  taskNumberFormat: s.taskNumberFormat,
  allowedUploadTypes: [...s.allowedUploadTypes],
  maxUploadBytes: s.maxUploadBytes,
  invitationTtlHours: s.invitationTtlHours,
  timezone: s.timezone,
  currency: s.currency,
  jobCreationBlockedRoles: [...s.jobCreationBlockedRoles],
  positionStaleSeconds: s.positionStaleSeconds,
  formKey: s.formKey,
  formPrimaryColor: s.formPrimaryColor,
  formLogoUrl: s.formLogoUrl,
  soldStatuses: [...s.soldStatuses],
  version: s.version,
  updatedAt: s.updatedAt,
});

export const customerToProto = (c: Customer): accounts.Customer => ({
  id: c.id,
  tenantId: c.tenantId,
  code: c.code,
  name: c.name,
  slaHours: c.slaHours,
  sites: c.sites.map((s) => ({ ...s })),
  contacts: c.contacts.map((x) => ({ ...x })),
  coworkerIds: [...c.coworkerIds],
  email: c.email,
  phone: c.phone,
  active: c.active,
  version: c.version,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export const deviceToProto = (d: Device): accounts.Device => ({
  id: d.id,
  tenantId: d.tenantId,
  workerId: d.workerId,
  name: d.name,
  uniqueId: d.uniqueId,
  revoked: d.revoked,
  createdAt: d.createdAt,
});

export const apiKeyToProto = (k: ApiKey): accounts.ApiKey => ({
  id: k.id,
  tenantId: k.tenantId,
  name: k.name,
  role: k.role,
  prefix: k.prefix,
  createdBy: k.createdBy,
  revoked: k.revoked,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
});

export const principalToProto = (a: Actor): accounts.Principal => ({
  kind: a.kind,
  tenantId: a.tenantId,
  userId: a.userId,
  role: a.role,
  customerId: a.customerId ?? '',
  deviceId: a.deviceId ?? '',
  apiKeyId: a.apiKeyId ?? '',
});
