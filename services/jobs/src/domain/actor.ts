// Who is acting, as re-established from the directory on every call (today's role, still active).
import type { Role } from './directory.js';

export interface Actor {
  kind: 'user' | 'device' | 'api_key';
  tenantId: string;
  userId: string;
  role: Role;
  /** Clients and guests: the customer they belong to. */
  customerId?: string;
  /** Coworkers: the customers an admin assigned to them (what they may see of the tenant). */
  assignedCustomerIds: string[];
}

/** A job made without a logged-in user: the public request form or a phone call. */
export interface SystemActor {
  system: 'form' | 'voip';
}

export function isSystemActor<T extends object>(actor: T | SystemActor): actor is SystemActor {
  return 'system' in actor;
}

/** The id written as "who" in history and events for a system actor. */
export function actorId(actor: Pick<Actor, 'userId'> | SystemActor): string {
  return isSystemActor(actor) ? `system:${actor.system}` : actor.userId;
}
