// Who is acting, as re-established from the database on every call, and the role check that follows.
import { type Action, can } from '@fieldline/auth';
import { PermissionDenied } from '@fieldline/platform';
import type { Role } from './roles.js';

export type ActorKind = 'user' | 'device' | 'api_key';

/** A caller whose credential was found still good; role and customer are today's, not the token's. */
export interface Actor {
  kind: ActorKind;
  tenantId: string;
  /** The user behind the credential: the worker of a device, the creator of an API key. */
  userId: string;
  userName: string;
  role: Role;
  customerId?: string;
  deviceId?: string;
  apiKeyId?: string;
}

export function authorize(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) throw new PermissionDenied(`a ${actor.role} may not do ${action}`);
}
