// Users: what a new user must carry, who may change what on an existing one, and the last-admin rule.
import { can, validatePasswordStrength } from '@fieldline/auth';
import { InvalidArgument, PermissionDenied } from '@fieldline/platform';
import type { Actor } from './actor.js';
import { LastAdmin, StaleVersion } from './errors.js';
import { expectedVersion, id, optionalEmail, optionalText, phone, requiredText } from './fields.js';
import { customerForRole, isCustomerRole, type Role, role } from './roles.js';

export interface User {
  id: string;
  tenantId: string;
  name: string;
  /** Optional: field workers may have none (they sign in with a device). */
  email?: string;
  role: Role;
  customerId?: string;
  active: boolean;
  phone: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface NewUser {
  name: string;
  email?: string;
  role: Role;
  customerId?: string;
  phone: string;
  /** Plain text, checked for strength; hashed before it reaches the store. */
  password?: string;
}

export function password(field: string, value: string): string {
  const reason = validatePasswordStrength(value);
  if (reason) throw new InvalidArgument(field, reason);
  return value;
}

export function newUser(input: {
  name?: string;
  email?: string;
  role?: string;
  customerId?: string;
  phone?: string;
  password?: string;
}): NewUser {
  const r = role('role', input.role);
  return {
    name: requiredText('name', input.name),
    email: optionalEmail('email', input.email),
    role: r,
    customerId: customerForRole(r, input.customerId),
    phone: phone('phone', input.phone),
    password: input.password ? password('password', input.password) : undefined,
  };
}

export interface UserPatch {
  name?: string;
  /** An empty string removes the e-mail address. */
  email?: string;
  role?: string;
  phone?: string;
  password?: string;
  customerId?: string;
  version?: number;
}

export interface UserUpdate {
  next: User;
  /** A new password to hash and store. */
  password?: string;
  changed: boolean;
  /** The admin role is being taken away: the caller must make sure another active admin remains. */
  losesAdmin: boolean;
}

const SELF_FIELDS = ['name', 'phone', 'password'] as const;

/** Applies a patch: an admin may change anything, anyone else only their own name, phone and password. */
export function updateUser(actor: Actor, current: User, patch: UserPatch, now: Date): UserUpdate {
  const isAdmin = can(actor.role, 'users:update');
  if (!isAdmin) {
    if (actor.userId !== current.id) throw new PermissionDenied('only an admin may change another user');
    const other = (Object.keys(patch) as (keyof UserPatch)[]).find(
      (k) => patch[k] !== undefined && k !== 'version' && !(SELF_FIELDS as readonly string[]).includes(k),
    );
    if (other) throw new PermissionDenied(`you may change your own ${SELF_FIELDS.join(', ')}, not ${other}`);
  }
  const version = expectedVersion(patch.version);
  if (version !== undefined && version !== current.version) throw new StaleVersion('user', current.version);

  const nextRole = patch.role === undefined ? current.role : role('role', patch.role);
  let customerId: string | undefined;
  if (patch.customerId !== undefined) customerId = patch.customerId;
  // Moving between customer roles keeps the customer; moving to staff drops it, since staff have none.
  else if (isCustomerRole(nextRole)) customerId = isCustomerRole(current.role) ? current.customerId : undefined;
  const next: User = {
    ...current,
    name: patch.name === undefined ? current.name : requiredText('name', patch.name),
    email: patch.email === undefined ? current.email : optionalEmail('email', patch.email),
    role: nextRole,
    customerId: customerForRole(nextRole, customerId),
    phone: patch.phone === undefined ? current.phone : phone('phone', patch.phone),
  };
  const newPassword = patch.password === undefined ? undefined : password('password', patch.password);
  const changed =
    newPassword !== undefined ||
    next.name !== current.name ||
    next.email !== current.email ||
    next.role !== current.role ||
    next.customerId !== current.customerId ||
    next.phone !== current.phone;
  if (changed) {
    next.version = current.version + 1;
    next.updatedAt = now;
  }
  return {
    next,
    password: newPassword,
    changed,
    losesAdmin: current.active && current.role === 'admin' && next.role !== 'admin',
  };
}

/** A tenant always keeps one active admin: nobody else could manage it. */
export function ensureAdminRemains(otherActiveAdmins: number): void {
  if (otherActiveAdmins < 1) throw new LastAdmin();
}

/** The user switched on or off; unchanged (and no new version) when already so. */
export function setActive(current: User, active: boolean, now: Date): { next: User; changed: boolean } {
  if (current.active === active) return { next: current, changed: false };
  return { next: { ...current, active, version: current.version + 1, updatedAt: now }, changed: true };
}

export interface UserListFilter {
  role?: Role;
  active?: boolean;
  customerId?: string;
  q?: string;
}

/** The list filters: empty strings mean "any". */
export function userListFilter(input: {
  role?: string;
  active?: string;
  customerId?: string;
  q?: string;
}): UserListFilter {
  const active = (input.active ?? '').trim();
  if (!['', 'true', 'false'].includes(active)) throw new InvalidArgument('active', 'active must be true or false');
  return {
    role: (input.role ?? '').trim() === '' ? undefined : role('role', input.role),
    active: active === '' ? undefined : active === 'true',
    customerId: (input.customerId ?? '').trim() === '' ? undefined : id('customerId', input.customerId),
    q: optionalText('q', input.q) || undefined,
  };
}
