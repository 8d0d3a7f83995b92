// Who a Traccar Client phone is: its `id` is a device's uniqueId, resolved by accounts
// (IdentityService.Authenticate) and cached briefly like device tokens (revoking the device evicts it).
import { type Caller, fromGrpcError, type PrincipalKind, type Role } from '@fieldline/platform';
import type { CredentialCache } from '../auth/credential-cache.js';
import type { AccountsClients } from '../clients/accounts-clients.js';

// Not a hash like the token keys, so the two kinds of entry can never collide.
const cacheKey = (uniqueId: string) => `osmand:${uniqueId}`;

/** The device's caller (its worker, as a device), or undefined when no active device has this uniqueId. */
export async function osmandDevice(
  uniqueId: string,
  deps: { identity: AccountsClients['identity']; cache: CredentialCache },
): Promise<Caller | undefined> {
  const cached = deps.cache.get(cacheKey(uniqueId));
  if (cached) return cached;
  let principal: Awaited<ReturnType<AccountsClients['identity']['authenticate']>>;
  try {
    principal = await deps.identity.authenticate({ credential: { $case: 'deviceUniqueId', value: uniqueId } });
  } catch (err) {
    const domain = fromGrpcError(err);
    // Unknown, revoked or a deactivated worker: all "no such device" to the phone, and nothing cached.
    if (domain && ['unauthenticated', 'not_found', 'invalid_argument', 'permission_denied'].includes(domain.kind)) {
      return undefined;
    }
    throw err;
  }
  const caller: Caller = {
    kind: principal.kind as PrincipalKind,
    tenantId: principal.tenantId,
    userId: principal.userId,
    role: principal.role as Role,
    customerId: principal.customerId || undefined,
    deviceId: principal.deviceId || undefined,
  };
  if (caller.kind !== 'device' || !caller.deviceId) return undefined;
  deps.cache.set(cacheKey(uniqueId), caller);
  return caller;
}
