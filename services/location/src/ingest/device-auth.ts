// Phones on the gRPC stream present their device token (`authorization: Bearer fld_…`); accounts resolves it to
// tenant, worker and device. Answers are cached for a few seconds so reconnect storms do not hammer accounts.
import { DomainError, fromGrpcError, Unauthenticated } from '@fieldline/platform';
import type { Metadata } from '@grpc/grpc-js';
import type { IdentityClient } from '../clients/accounts.js';

export interface DevicePrincipal {
  tenantId: string;
  workerId: string;
  deviceId: string;
}

export const DEVICE_AUTH_TTL_MS = 10_000;
const MAX_TOKEN_LENGTH = 512;
const CACHE_LIMIT = 100_000;

export class AccountsUnavailable extends DomainError {
  constructor() {
    super('unavailable', 'ACCOUNTS_UNAVAILABLE', 'device tokens cannot be checked right now; try again');
  }
}

/** The bearer token of the call, or UNAUTHENTICATED. */
export function bearerToken(metadata: Metadata): string {
  const header = metadata.get('authorization')[0]?.toString() ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!m || m[1].length > MAX_TOKEN_LENGTH) {
    throw new Unauthenticated('send the device token as `authorization: Bearer <token>`', 'DEVICE_TOKEN_MISSING');
  }
  return m[1];
}

export class DeviceAuth {
  private readonly cache = new Map<string, { principal: DevicePrincipal; until: number }>();
  private readonly inFlight = new Map<string, Promise<DevicePrincipal>>();

  constructor(
    private readonly identity: IdentityClient,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = DEVICE_AUTH_TTL_MS,
  ) {}

  /** The device behind the token (cached `ttlMs`); UNAUTHENTICATED for unknown, revoked or non-device credentials. */
  async authenticate(token: string): Promise<DevicePrincipal> {
    const hit = this.cache.get(token);
    if (hit && hit.until > this.now()) return hit.principal;
    let pending = this.inFlight.get(token);
    if (!pending) {
      pending = this.resolve(token).finally(() => this.inFlight.delete(token));
      this.inFlight.set(token, pending);
    }
    return pending;
  }

  private async resolve(token: string): Promise<DevicePrincipal> {
    let p: Awaited<ReturnType<IdentityClient['authenticate']>>;
    try {
      p = await this.identity.authenticate({ credential: { $case: 'deviceToken', value: token } });
    } catch (err) {
      this.cache.delete(token);
      const domain = fromGrpcError(err);
      if (domain && ['unauthenticated', 'invalid_argument', 'not_found', 'permission_denied'].includes(domain.kind)) {
        throw new Unauthenticated('unknown or revoked device token', 'DEVICE_TOKEN_INVALID');
      }
      throw new AccountsUnavailable();
    }
    if (p.kind !== 'device' || !p.deviceId || !p.tenantId || !p.userId) {
      throw new Unauthenticated('this credential is not a device token', 'DEVICE_TOKEN_INVALID');
    }
    const principal = { tenantId: p.tenantId, workerId: p.userId, deviceId: p.deviceId };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(token, { principal, until: this.now() + this.ttlMs });
    return principal;
  }
}
