// Which customers an actor sees: staff all, coworkers their assigned ones, clients and guests their own.
// A customer out of sight is "not found", never "forbidden": its existence is not the viewer's business.
import { canSeeCustomer } from '@fieldline/auth';
import type { Actor } from './actor.js';
import type { Customer } from './customer.js';
import { notFound } from './errors.js';

export type CustomerScope =
  | { kind: 'all' }
  | { kind: 'assigned'; userId: string }
  | { kind: 'own'; customerId: string }
  | { kind: 'none' };

/** The list filter matching canSeeCustomer, for queries that cannot load every customer first. */
export function customerScope(actor: Actor): CustomerScope {
  switch (actor.role) {
    case 'admin':
    case 'dispatcher':
      return { kind: 'all' };
    case 'coworker':
      return { kind: 'assigned', userId: actor.userId };
    case 'client':
    case 'guest':
      return actor.customerId ? { kind: 'own', customerId: actor.customerId } : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

export function ensureCanSee(actor: Actor, customer: Customer | undefined): Customer {
  const visible =
    customer !== undefined &&
    canSeeCustomer(
      { role: actor.role, customerId: actor.customerId, userId: actor.userId },
      { id: customer.id, coworkerIds: customer.coworkerIds },
    );
  if (!visible) throw notFound.customer();
  return customer;
}
