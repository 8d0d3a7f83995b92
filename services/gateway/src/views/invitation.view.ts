// An invitation as the API shows it.
import type { accounts } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Role, Timestamp } from './common.js';

export const InvitationStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('expired'),
  Type.Literal('registered'),
]);

export const InvitationView = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: Role,
    customerId: Nullable(Type.String()),
    status: InvitationStatus,
    expiresAt: Nullable(Timestamp()),
    createdAt: Nullable(Timestamp()),
    invitedBy: Nullable(Type.String({ description: 'id of the user who invited' })),
    userId: Nullable(Type.String({ description: 'the user created when the invitation was accepted' })),
    sendCount: Type.Integer(),
    lastSentAt: Nullable(Timestamp()),
  },
  { $id: 'Invitation' },
);

export function toInvitationView(i: accounts.Invitation) {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    customerId: orNull(i.customerId),
    status: i.status,
    expiresAt: iso(i.expiresAt),
    createdAt: iso(i.createdAt),
    invitedBy: orNull(i.invitedBy),
    userId: orNull(i.userId),
    sendCount: i.sendCount,
    lastSentAt: iso(i.lastSentAt),
  };
}
