// gRPC door of invitations: invite by e-mail, list, resend with a fresh token, accept (the token is the credential).
import { hashOpaqueToken, hashPassword, newOpaqueToken } from '@fieldline/auth';
import { InvalidArgument, newId, unary } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import type { Actor } from '../domain/actor.js';
import { EmailTaken, InvitationPending, notFound } from '../domain/errors.js';
import { id, requiredText } from '../domain/fields.js';
import { presentedToken } from '../domain/identity.js';
import {
  ensureAcceptable,
  ensureMayInvite,
  type Invitation,
  invitationExpiry,
  invitationStatusFilter,
  newInvitation,
  resend,
} from '../domain/invitation.js';
import { page, pageOf } from '../domain/pagination.js';
import type { User } from '../domain/user.js';
import { password } from '../domain/user.js';
import { invitationAccepted, invitationSent, userEvent } from '../events/accounts-events.js';
import { inTransaction, type Stores, stores } from '../store/stores.js';
import { actorOf } from './caller.js';
import type { AccountsDeps } from './deps.js';
import { issueTokens } from './sessions.js';
import { invitationToProto, userToProto } from './to-proto.js';

/** What the invitation e-mail needs besides the invitation: the tenant's name and the inviter's. */
async function sendDetails(s: Stores, actor: Actor) {
  const [tenant, settings] = await Promise.all([s.tenants.get(actor.tenantId), s.settings.get(actor.tenantId)]);
  if (!tenant || !settings) throw notFound.tenant();
  return { tenantName: tenant.name, inviterName: actor.userName, ttlHours: settings.invitationTtlHours };
}

export function invitationsHandlers(deps: AccountsDeps): accounts.InvitationsServiceServer {
  const { log } = deps;

  return {
    createInvitation: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'invitations:create');
      const input = newInvitation(req);
      const now = deps.clock();
      const invitation = await inTransaction(deps.db, async (s) => {
        if (input.customerId && !(await s.customers.exists(actor.tenantId, input.customerId))) {
          throw new InvalidArgument('customerId', 'no such customer in this tenant');
        }
        const assigned = actor.role === 'coworker' ? await s.customers.assignedTo(actor.tenantId, actor.userId) : [];
        ensureMayInvite(actor, input, assigned);
        // Serialises invitations of a tenant, so two concurrent ones to one address cannot both be pending.
        await s.tenants.lock(actor.tenantId);
        if (await s.users.emailTaken(actor.tenantId, input.email)) throw new EmailTaken();
        if (await s.invitations.pendingExists(actor.tenantId, input.email, now)) throw new InvitationPending();
        const details = await sendDetails(s, actor);
        const token = newOpaqueToken('fli');
        const created: Invitation = {
          id: newId('inv'),
          tenantId: actor.tenantId,
          email: input.email,
          name: input.name,
          role: input.role,
          customerId: input.customerId,
          invitedBy: actor.userId,
          createdAt: now,
          expiresAt: invitationExpiry(now, details.ttlHours),
          lastSentAt: now,
          sendCount: 1,
        };
        await s.invitations.insert(created, token.hash);
        await deps.outbox.add(
          s.db,
          invitationSent('invitation_created', created, { ...details, token: token.token, now }),
        );
        return created;
      });
      log.info({ tenantId: actor.tenantId, invitationId: invitation.id, by: actor.userId }, 'invitation created');
      return invitationToProto(invitation, now);
    }),

    listInvitations: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'invitations:list');
      const p = page(req.page);
      const status = invitationStatusFilter(req.status);
      const now = deps.clock();
      const rows = await stores(deps.db).invitations.list(actor.tenantId, status, now, p);
      const { items, nextCursor } = pageOf(rows, p);
      return { invitations: items.map((i) => invitationToProto(i, now)), page: { nextCursor } };
    }),

    resendInvitation: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'invitations:resend');
      const invitationId = id('id', req.id);
      const now = deps.clock();
      const invitation = await inTransaction(deps.db, async (s) => {
        await s.tenants.lock(actor.tenantId);
        const current = await s.invitations.get(actor.tenantId, invitationId, { forUpdate: true });
        if (!current) throw notFound.invitation();
        ensureMayInvite(actor, current, []);
        const details = await sendDetails(s, actor);
        const next = resend(current, now, details.ttlHours);
        if (await s.users.emailTaken(actor.tenantId, current.email)) throw new EmailTaken();
        // An expired invitation brought back to life must not make a second pending one for the address.
        if (await s.invitations.pendingExists(actor.tenantId, current.email, now, current.id)) {
          throw new InvitationPending();
        }
        // A new token: the link in any earlier e-mail stops working.
        const token = newOpaqueToken('fli');
        await s.invitations.saveResent(next, token.hash);
        await deps.outbox.add(s.db, invitationSent('invitation_resent', next, { ...details, token: token.token, now }));
        return next;
      });
      return invitationToProto(invitation, now);
    }),

    acceptInvitation: unary(log, async (req) => {
      const token = presentedToken('token', req.token);
      const plain = password('password', req.password);
      const passwordHash = await hashPassword(plain);
      const now = deps.clock();
      const result = await inTransaction(deps.db, async (s) => {
        const current = await s.invitations.getByTokenForUpdate(hashOpaqueToken(token));
        if (!current) throw notFound.invitation();
        ensureAcceptable(current, now);
        const name = requiredText('name', (req.name ?? '').trim() || current.name);
        if (await s.users.emailTaken(current.tenantId, current.email)) throw new EmailTaken();
        const user: User = {
          id: newId('usr'),
          tenantId: current.tenantId,
          name,
          email: current.email,
          role: current.role,
          customerId: current.customerId,
          active: true,
          phone: '',
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        await s.users.insert(user, passwordHash);
        const accepted: Invitation = { ...current, acceptedAt: now, userId: user.id };
        await s.invitations.markAccepted(accepted);
        await deps.outbox.add(s.db, userEvent('user_created', user));
        await deps.outbox.add(s.db, invitationAccepted(accepted, user, now));
        const tokens = await issueTokens(s, deps, user, now);
        return { user, tokens, invitationId: accepted.id };
      });
      log.info(
        { tenantId: result.user.tenantId, userId: result.user.id, invitationId: result.invitationId },
        'invitation accepted',
      );
      return { user: userToProto(result.user), tokens: result.tokens };
    }),
  };
}
