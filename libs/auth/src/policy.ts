// Who may do what on identity routes: one table of action → roles, plus the relation rules for invitations and customers.

export type Role = 'admin' | 'dispatcher' | 'coworker' | 'client' | 'guest';
export const ROLES: readonly Role[] = ['admin', 'dispatcher', 'coworker', 'client', 'guest'];

const staff = ['admin', 'dispatcher'] as const;
const adminOnly = ['admin'] as const;

// The one place a role gains an action. Row filtering (which customers, which invitee roles) is refined below.
const table = {
  'users:list': staff,
  'users:read': staff,
  'users:create': adminOnly,
  'users:update': adminOnly,
  'users:deactivate': adminOnly,
  'users:activate': adminOnly,
  'invitations:create': ['admin', 'dispatcher', 'coworker', 'client'],
  'invitations:list': staff,
  'invitations:resend': staff,
  'settings:read': ['admin', 'dispatcher', 'coworker'],
  'settings:update': adminOnly,
  'customers:list': ROLES,
  'customers:read': ROLES,
  'customers:create': staff,
  'customers:update': staff,
  'customers:assign-coworkers': adminOnly,
  'devices:create': staff,
  'devices:list': staff,
  'devices:revoke': staff,
  'api-keys:create': adminOnly,
  'api-keys:list': adminOnly,
  'api-keys:revoke': adminOnly,
  'me:read': ROLES,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof table;
export const ACTIONS = Object.keys(table) as readonly Action[];

/** Whether `role` may perform `action` at all. Unknown actions and roles are refused. */
export function can(role: Role, action: Action): boolean {
  // hasOwn, not `in`: an action named "constructor" from an untyped caller must not reach Object.prototype.
  return Object.hasOwn(table, action) && (table[action] as readonly Role[]).includes(role);
}

/** The roles that may perform `action` (a copy: callers may not change the table). */
export function allowedRoles(action: Action): Role[] {
  return Object.hasOwn(table, action) ? [...table[action]] : [];
}

export type Inviter = { role: Role; customerId?: string; assignedCustomerIds: readonly string[] };
export type Invitee = { role: Role; customerId?: string };

const customerRoles: readonly Role[] = ['client', 'guest'];
// 'an admin', 'a guest': refusals are read by people.
const a = (role: Role) => `${role === 'admin' ? 'an' : 'a'} ${role}`;
const named = (id: string | undefined): id is string => typeof id === 'string' && id.length > 0;

/** Why `inviter` may not invite `invitee`, or undefined when it may. Whether the customer exists is the caller's check. */
export function inviteRefusal(inviter: Inviter, invitee: Invitee): string | undefined {
  const needsCustomer = customerRoles.includes(invitee.role);
  if (needsCustomer && !named(invitee.customerId)) return `${a(invitee.role)} must belong to a customer`;
  // Staff belong to the tenant, not to one customer: a customer id on them would later widen or narrow what they see.
  if (!needsCustomer && named(invitee.customerId)) return `${a(invitee.role)} does not belong to a customer`;
  switch (inviter.role) {
    case 'admin':
      return undefined;
    case 'dispatcher':
      return invitee.role === 'admin' || invitee.role === 'dispatcher'
        ? `a dispatcher cannot invite ${a(invitee.role)}`
        : undefined;
    case 'client':
      if (invitee.role !== 'guest') return `a client can only invite guests, not ${a(invitee.role)}`;
      return named(inviter.customerId) && invitee.customerId === inviter.customerId
        ? undefined
        : 'a client can only invite guests of its own customer';
    case 'coworker':
      if (invitee.role !== 'guest') return `a coworker can only invite guests, not ${a(invitee.role)}`;
      return inviter.assignedCustomerIds.includes(invitee.customerId as string)
        ? undefined
        : 'a coworker can only invite guests of a customer assigned to it';
    default:
      return `${a(inviter.role)} cannot invite anyone`;
  }
}

export function canInvite(inviter: Inviter, invitee: Invitee): boolean {
  return inviteRefusal(inviter, invitee) === undefined;
}

export type CustomerViewer = { role: Role; customerId?: string; userId: string };
export type VisibleCustomer = { id: string; coworkerIds: readonly string[] };

/** Whether `viewer` may see `customer`: staff see all, coworkers their assigned ones, clients and guests their own. */
export function canSeeCustomer(viewer: CustomerViewer, customer: VisibleCustomer): boolean {
  switch (viewer.role) {
    case 'admin':
    case 'dispatcher':
      return true;
    case 'coworker':
      return customer.coworkerIds.includes(viewer.userId);
    case 'client':
    case 'guest':
      return named(viewer.customerId) && viewer.customerId === customer.id;
    default:
      return false;
  }
}
