// A tenant's settings as the API shows them.
import type { accounts } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Timestamp } from './common.js';

export const SettingsView = Type.Object(
  {
    dispatchEnabled: Type.Boolean(),
    autoLoggingEnabled: Type.Boolean(),
    minOnSiteSeconds: Type.Integer(),
    categories: Type.Array(Type.String()),
    taskNumberFormat: Type.String(),
    allowedUploadTypes: Type.Array(Type.String()),
    maxUploadBytes: Type.Integer(),
    invitationTtlHours: Type.Integer(),
    timezone: Type.String(),
    currency: Type.String(),
    jobCreationBlockedRoles: Type.Array(Type.String()),
    positionStaleSeconds: Type.Integer(),
    formKey: Nullable(Type.String({ description: 'key of the public request form' })),
    formPrimaryColor: Nullable(Type.String()),
    formLogoUrl: Nullable(Type.String()),
    soldStatuses: Type.Array(Type.String()),
    version: Type.Integer(),
    updatedAt: Nullable(Timestamp()),
  },
  { $id: 'Settings' },
);

export function toSettingsView(s: accounts.Settings) {
  return {
    dispatchEnabled: s.dispatchEnabled,
    autoLoggingEnabled: s.autoLoggingEnabled,
    minOnSiteSeconds: s.minOnSiteSeconds,
    categories: s.categories,
    taskNumberFormat: s.taskNumberFormat,
    allowedUploadTypes: s.allowedUploadTypes,
    maxUploadBytes: s.maxUploadBytes,
    invitationTtlHours: s.invitationTtlHours,
    timezone: s.timezone,
    currency: s.currency,
    jobCreationBlockedRoles: s.jobCreationBlockedRoles,
    positionStaleSeconds: s.positionStaleSeconds,
    formKey: orNull(s.formKey),
    formPrimaryColor: orNull(s.formPrimaryColor),
    formLogoUrl: orNull(s.formLogoUrl),
    soldStatuses: s.soldStatuses,
    version: s.version,
    updatedAt: iso(s.updatedAt),
  };
}
