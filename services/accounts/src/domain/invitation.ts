// Invitations: who may invite whom, the status a clock gives them, and when one can be resent or accepted.
import { inviteRefusal } from '@fieldline/auth';
import { InvalidArgument, PermissionDenied } from '@fieldline/platform';
import type { Actor } from './actor.js';
import { InvitationAlreadyRegistered, InvitationExpired, notFound } from './errors.js';
import { email, optionalText } from './fields.js';
import { customerForRole, type Role, role } from './roles.js';

export const INVITATION_STATUSES = ['pending', 'expired', 'registered'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export interface Invitation {
  id: string;
  tenantId: string;
  email: string;
  /** The invitee's name when the inviter knew it; prefills the acceptance form. */
  name: string;
  role: Role;
  customerId?: string;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  lastSentAt: Date;
  sendCount: number;
  acceptedAt?: Date;
  userId?: string;
}

export interface NewInvitation {
  email: string;
  name: string;
  role: Role;
  customerId?: string;
}

export function newInvitation(input: {
  email?: string;
  role?: string;
  customerId?: string;
  name?: string;
}): NewInvitation {
  const r = role('role', input.role);
  return {
    email: email('email', input.email),
    name: optionalText('name', input.name),
    role: r,
    customerId: customerForRole(r, input.customerId),
  };
}

/** Refuses an invitation the actor's role or relation to the customer does not allow. */
export function ensureMayInvite(
  actor: Actor,
  invitee: { role: Role; customerId?: string },
  assignedCustomerIds: readonly string[],
): void {
  const refusal = inviteRefusal(
    { role: actor.role, customerId: actor.customerId, assignedCustomerIds },
    { role: invitee.role, customerId: invitee.customerId },
  );
  if (refusal) throw new PermissionDenied(refusal, 'INVITATION_NOT_ALLOWED');
}

export function invitationStatus(invitation: Invitation, now: Date): InvitationStatus {
  if (invitation.acceptedAt) return 'registered';
  return invitation.expiresAt.getTime() > now.getTime() ? 'pending' : 'expired';
}

export function invitationStatusFilter(value: string): InvitationStatus | undefined {
  if (value === '') return undefined;
  if (!(INVITATION_STATUSES as readonly string[]).includes(value)) {
    throw new InvalidArgument('status', `status must be one of ${INVITATION_STATUSES.join(', ')}`);
  }
  return value as InvitationStatus;
}

export function invitationExpiry(now: Date, ttlHours: number): Date {
  return new Date(now.getTime() + ttlHours * 3_600_000);
}

/** A resend renews the expiry and counts the send; an accepted invitation has nothing left to send. */
export function resend(invitation: Invitation, now: Date, ttlHours: number): Invitation {
  if (invitation.acceptedAt) throw new InvitationAlreadyRegistered();
  return {
    ...invitation,
    expiresAt: invitationExpiry(now, ttlHours),
    lastSentAt: now,
    sendCount: invitation.sendCount + 1,
  };
}

/** Accepting uses the invitation up; a used one is as unknown as a made-up token. */
export function ensureAcceptable(invitation: Invitation, now: Date): void {
  const status = invitationStatus(invitation, now);
  if (status === 'registered') throw notFound.invitation();
  if (status === 'expired') throw new InvitationExpired();
}
