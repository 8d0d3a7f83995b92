// Refresh-token rotation: a token is good once; presenting a spent one means it leaked, so its family dies.

export interface RefreshToken {
  id: string;
  tenantId: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  usedAt?: Date;
  revokedAt?: Date;
}

export type RefreshRefusal = 'reused' | 'expired';

/** Why a presented refresh token cannot be exchanged, or undefined when it can. */
export function refreshRefusal(token: RefreshToken, now: Date): RefreshRefusal | undefined {
  if (token.usedAt || token.revokedAt) return 'reused';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return undefined;
}

export function refreshExpiry(now: Date, ttlDays: number): Date {
  return new Date(now.getTime() + ttlDays * 86_400_000);
}
