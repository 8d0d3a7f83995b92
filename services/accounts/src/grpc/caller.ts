// Re-establishes who calls from the database on every call, then applies the role check.
import type { Action } from '@fieldline/auth';
import type { CallContext } from '@fieldline/platform';
import { type Actor, authorize } from '../domain/actor.js';
import { CredentialRevoked } from '../domain/errors.js';
import { CredentialsStore } from '../store/credentials.store.js';
import type { AccountsDeps } from './deps.js';

const CREDENTIAL_NAME = { user: 'user', device: 'device', api_key: 'API key' } as const;

/**
 * The caller as an Actor, when their credential still works (user active, device or key not revoked, its
 * user active), else UNAUTHENTICATED; then PERMISSION_DENIED unless their role may do `action`.
 * Without an action only the credential is checked (for rules that depend on the target, like "self").
 */
export async function actorOf(deps: AccountsDeps, ctx: CallContext, action?: Action): Promise<Actor> {
  const caller = ctx.caller();
  const actor = await new CredentialsStore(deps.db).actor(caller);
  if (!actor) throw new CredentialRevoked(CREDENTIAL_NAME[caller.kind] ?? 'credential');
  if (action) authorize(actor, action);
  return actor;
}
