// What jobs knows of accounts: users, customers and tenant settings as copied into the local directory.
import type { Role } from '@fieldline/auth';

export type { Role };

export const STAFF_ROLES: readonly Role[] = ['admin', 'dispatcher', 'coworker'];
/** Admins and dispatchers: they see every job of the tenant and run dispatch. */
export const DISPATCH_ROLES: readonly Role[] = ['admin', 'dispatcher'];
export const CUSTOMER_ROLES: readonly Role[] = ['client', 'guest'];

export function isDispatcher(role: Role): boolean {
  return DISPATCH_ROLES.includes(role);
}

export interface DirUser {
  tenantId: string;
  id: string;
  name: string;
  email: string;
  role: Role;
  customerId?: string;
  active: boolean;
  version: number;
}

export interface DirSite {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
}

export interface DirCustomer {
  tenantId: string;
  id: string;
  code: string;
  name: string;
  slaHours: number;
  coworkerIds: string[];
  sites: DirSite[];
  phone: string;
  email: string;
  active: boolean;
  version: number;
}

export interface DirSettings {
  tenantId: string;
  categories: string[];
  taskNumberFormat: string;
  jobCreationBlockedRoles: Role[];
  allowedUploadTypes: string[];
  maxUploadBytes: number;
  timezone: string;
  currency: string;
  dispatchEnabled: boolean;
  autoLoggingEnabled: boolean;
  minOnSiteSeconds: number;
  formKey: string;
  formPrimaryColor: string;
  formLogoUrl: string;
  version: number;
}
