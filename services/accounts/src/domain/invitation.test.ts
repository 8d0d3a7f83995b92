// Unit tests of invitations: status from the clock, resend, acceptance, and the inviter policy applied to actors.
import { describe, expect, it } from '@jest/globals';
import type { Actor } from './actor.js';
import {
  ensureAcceptable,
  ensureMayInvite,
  type Invitation,
  invitationStatus,
  newInvitation,
  resend,
} from './invitation.js';

const t0 = new Date('2030-01-01T00:00:00Z');
const hours = (h: number) => new Date(t0.getTime() + h * 3_600_000);
const invitation = (over: Partial<Invitation> = {}): Invitation => ({
  id: 'inv_1',
  tenantId: 't_1',
  email: 'a@example.com',
  name: '',
  role: 'coworker',
  invitedBy: 'usr_1',
  createdAt: t0,
  expiresAt: hours(72),
  lastSentAt: t0,
  sendCount: 1,
  ...over,
});
const actor = (over: Partial<Actor>): Actor => ({
  kind: 'user',
  tenantId: 't_1',
  userId: 'usr_1',
  userName: 'A',
  role: 'admin',
  ...over,
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return undefined;
};

describe('invitation status', () => {
  it('is pending until the expiry instant, expired from it, registered once accepted', () => {
    expect(invitationStatus(invitation(), hours(71))).toBe('pending');
    expect(invitationStatus(invitation(), hours(72))).toBe('expired');
    expect(invitationStatus(invitation({ acceptedAt: hours(1) }), hours(100))).toBe('registered');
  });
});

describe('resend', () => {
  it('renews the expiry from now and counts the send', () => {
    expect(resend(invitation(), hours(80), 24)).toMatchObject({
      expiresAt: hours(104),
      lastSentAt: hours(80),
      sendCount: 2,
    });
  });

  it('refuses an accepted invitation', () => {
    expect(codeOf(() => resend(invitation({ acceptedAt: t0 }), hours(1), 24))).toBe('INVITATION_REGISTERED');
  });
});

describe('ensureAcceptable', () => {
  it('lets a pending invitation through, calls an expired one expired and a used one unknown', () => {
    expect(() => ensureAcceptable(invitation(), hours(1))).not.toThrow();
    expect(codeOf(() => ensureAcceptable(invitation(), hours(73)))).toBe('INVITATION_EXPIRED');
    expect(codeOf(() => ensureAcceptable(invitation({ acceptedAt: t0 }), hours(1)))).toBe('INVITATION_NOT_FOUND');
  });
});

describe('newInvitation and ensureMayInvite', () => {
  it('normalises the address and checks the role/customer pair', () => {
    expect(newInvitation({ email: ' X@Example.com', role: 'guest', customerId: 'cus_1' })).toMatchObject({
      email: 'x@example.com',
      customerId: 'cus_1',
    });
    expect(codeOf(() => newInvitation({ email: 'x@example.com', role: 'guest' }))).toBe('INVALID_ARGUMENT');
  });

  it('applies the policy with the coworker’s assigned customers', () => {
    const worker = actor({ role: 'coworker' });

    expect(() => ensureMayInvite(worker, { role: 'guest', customerId: 'cus_1' }, ['cus_1'])).not.toThrow();
    expect(codeOf(() => ensureMayInvite(worker, { role: 'guest', customerId: 'cus_2' }, ['cus_1']))).toBe(
      'INVITATION_NOT_ALLOWED',
    );
    expect(codeOf(() => ensureMayInvite(actor({ role: 'dispatcher' }), { role: 'admin' }, []))).toBe(
      'INVITATION_NOT_ALLOWED',
    );
  });
});
