// The five roles and which of them belong to one customer (clients, guests) rather than to the tenant (staff).
import { ROLES, type Role } from '@fieldline/auth';
import { InvalidArgument } from '@fieldline/platform';
import { id } from './fields.js';

export type { Role };
export { ROLES };

export const CUSTOMER_ROLES: readonly Role[] = ['client', 'guest'];

export function isCustomerRole(role: Role): boolean {
  return CUSTOMER_ROLES.includes(role);
}

export function role(field: string, value: string | undefined): Role {
  const text = (value ?? '').trim();
  if (text === '') throw new InvalidArgument(field, `${field} is required`);
  if (!ROLES.includes(text as Role)) throw new InvalidArgument(field, `${field} must be one of ${ROLES.join(', ')}`);
  return text as Role;
}

/**
 * The customer a user of `role` belongs to: required for clients and guests, refused for staff (a customer
 * on a staff member would later narrow or widen what they see). Whether it exists is checked by the caller.
 */
export function customerForRole(r: Role, customerId: string | undefined, field = 'customerId'): string | undefined {
  const given = (customerId ?? '').trim() === '' ? undefined : id(field, customerId);
  if (isCustomerRole(r) && !given) throw new InvalidArgument(field, `a ${r} must belong to a customer`);
  if (!isCustomerRole(r) && given) throw new InvalidArgument(field, `a ${r} does not belong to a customer`);
  return given;
}
