// Issues a token pair: a short-lived signed access token and a refresh token stored as a hash in its family.
import { newOpaqueToken, signAccessToken } from '@fieldline/auth';
import { newId } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import { refreshExpiry } from '../domain/refresh-token.js';
import type { User } from '../domain/user.js';
import type { Stores } from '../store/stores.js';
import type { AccountsDeps } from './deps.js';

/** A new pair for `user`; `familyId` continues a rotated session, none starts a new one (a login). */
export async function issueTokens(
  s: Stores,
  deps: AccountsDeps,
  user: User,
  now: Date,
  familyId = newId('rtf'),
): Promise<accounts.TokenPair> {
  const access = signAccessToken(
    { sub: user.id, tid: user.tenantId, role: user.role, ...(user.customerId ? { cid: user.customerId } : {}) },
    { secret: deps.jwtSecret, ttlSeconds: deps.accessTokenTtlSeconds, now },
  );
  const refresh = newOpaqueToken('flr');
  const expiresAt = refreshExpiry(now, deps.refreshTokenTtlDays);
  await s.refreshTokens.insert({
    id: newId('rt'),
    tenantId: user.tenantId,
    userId: user.id,
    familyId,
    tokenHash: refresh.hash,
    createdAt: now,
    expiresAt,
  });
  return {
    accessToken: access.token,
    refreshToken: refresh.token,
    accessExpiresAt: access.expiresAt,
    refreshExpiresAt: expiresAt,
  };
}
