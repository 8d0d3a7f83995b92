// A user, a tenant and a token pair as the API shows them, and how they are made from the accounts messages.
import type { accounts } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Role, Timestamp } from './common.js';

export const UserView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Nullable(Type.String()),
    role: Role,
    customerId: Nullable(Type.String({ description: 'the customer of a client or guest; null for staff' })),
    phone: Nullable(Type.String()),
    active: Type.Boolean(),
    version: Type.Integer({ description: 'send back in PATCH to refuse stale updates' }),
    createdAt: Nullable(Timestamp()),
    updatedAt: Nullable(Timestamp()),
  },
  { $id: 'User' },
);

export function toUserView(u: accounts.User | undefined) {
  if (!u) throw new Error('accounts answered without a user');
  return {
    id: u.id,
    name: u.name,
    email: orNull(u.email),
    role: u.role,
    customerId: orNull(u.customerId),
    phone: orNull(u.phone),
    active: u.active,
    version: u.version,
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt),
  };
}

export const TenantView = Type.Object(
  { id: Type.String(), slug: Type.String({ description: 'what users type to log in' }), name: Type.String() },
  { $id: 'Tenant' },
);

export function toTenantView(t: accounts.Tenant | undefined) {
  if (!t) throw new Error('accounts answered without a tenant');
  return { id: t.id, slug: t.slug, name: t.name };
}

/** The credentials a login, signup, refresh or invitation acceptance hands out. */
export const TokenFields = {
  accessToken: Type.String({ description: 'JWT; send as `Authorization: Bearer <accessToken>`' }),
  refreshToken: Type.String({ description: 'single use: POST /v1/auth/refresh returns a new pair' }),
  accessTokenExpiresAt: Nullable(Timestamp()),
  refreshTokenExpiresAt: Nullable(Timestamp()),
};

export function toTokenFields(t: accounts.TokenPair | undefined) {
  if (!t) throw new Error('accounts answered without tokens');
  return {
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    accessTokenExpiresAt: iso(t.accessExpiresAt),
    refreshTokenExpiresAt: iso(t.refreshExpiresAt),
  };
}

export const AuthView = Type.Object({ user: Type.Ref('User'), ...TokenFields });

export function toAuthView(res: accounts.AuthResponse) {
  return { user: toUserView(res.user), ...toTokenFields(res.tokens) };
}
