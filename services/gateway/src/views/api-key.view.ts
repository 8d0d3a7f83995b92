// An API key as the API lists it (never the key itself, which is shown once on creation).
import type { accounts } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, Timestamp } from './common.js';

export const ApiKeyRole = Type.Union([Type.Literal('admin'), Type.Literal('dispatcher')], {
  description: 'the role the key acts with',
});

export const ApiKeyView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: ApiKeyRole,
    prefix: Type.String({ description: 'first characters of the key, to recognise it' }),
    createdBy: Type.String(),
    revoked: Type.Boolean(),
    createdAt: Nullable(Timestamp()),
    lastUsedAt: Nullable(Timestamp()),
  },
  { $id: 'ApiKey' },
);

export function toApiKeyView(k: accounts.ApiKey | undefined) {
  if (!k) throw new Error('accounts answered without an API key');
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    createdBy: k.createdBy,
    revoked: k.revoked,
    createdAt: iso(k.createdAt),
    lastUsedAt: iso(k.lastUsedAt),
  };
}
