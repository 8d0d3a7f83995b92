// gRPC door of users: create, list, read, update, deactivate and activate, inside the caller's tenant.
import { can, hashPassword } from '@fieldline/auth';
import { InvalidArgument, newId, PermissionDenied, unary } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import { EmailTaken, notFound, StaleVersion } from '../domain/errors.js';
import { id } from '../domain/fields.js';
import { page, pageOf } from '../domain/pagination.js';
import {
  ensureAdminRemains,
  newUser,
  password,
  setActive,
  type User,
  updateUser,
  userListFilter,
} from '../domain/user.js';
import { userEvent } from '../events/accounts-events.js';
import { inTransaction, type Stores, stores } from '../store/stores.js';
import { actorOf } from './caller.js';
import type { AccountsDeps } from './deps.js';
import { userToProto } from './to-proto.js';

async function ensureCustomer(s: Stores, tenantId: string, customerId: string | undefined): Promise<void> {
  if (customerId && !(await s.customers.exists(tenantId, customerId))) {
    throw new InvalidArgument('customerId', 'no such customer in this tenant');
  }
}

export function usersHandlers(deps: AccountsDeps): accounts.UsersServiceServer {
  const { log } = deps;

  const switchActive = (active: boolean) =>
    unary<accounts.GetUserRequest, accounts.User>(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, active ? 'users:activate' : 'users:deactivate');
      const userId = id('id', req.id);
      const now = deps.clock();
      const user = await inTransaction(deps.db, async (s) => {
        // The tenant lock serialises admins switching each other off, so one active admin always remains.
        await s.tenants.lock(actor.tenantId);
        const current = await s.users.get(actor.tenantId, userId, { forUpdate: true });
        if (!current) throw notFound.user();
        const { next, changed } = setActive(current, active, now);
        if (!changed) return current;
        if (!active && current.role === 'admin')
          ensureAdminRemains(await s.users.otherActiveAdmins(actor.tenantId, userId));
        await s.users.save(next, current.version);
        // Access tokens die on their next call (every call re-checks the user); refresh tokens die here.
        if (!active) await s.refreshTokens.revokeAllOfUser(actor.tenantId, userId, now);
        await deps.outbox.add(s.db, userEvent(active ? 'user_activated' : 'user_deactivated', next));
        return next;
      });
      log.info({ tenantId: actor.tenantId, userId, by: actor.userId, active }, 'user switched');
      return userToProto(user);
    });

  return {
    createUser: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'users:create');
      const input = newUser(req);
      const passwordHash = input.password ? await hashPassword(input.password) : undefined;
      const now = deps.clock();
      const user = await inTransaction(deps.db, async (s) => {
        await ensureCustomer(s, actor.tenantId, input.customerId);
        if (input.email && (await s.users.emailTaken(actor.tenantId, input.email))) throw new EmailTaken();
        const created: User = {
          id: newId('usr'),
          tenantId: actor.tenantId,
          name: input.name,
          email: input.email,
          role: input.role,
          customerId: input.customerId,
          active: true,
          phone: input.phone,
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        await s.users.insert(created, passwordHash);
        await deps.outbox.add(s.db, userEvent('user_created', created));
        return created;
      });
      log.info({ tenantId: actor.tenantId, userId: user.id, role: user.role, by: actor.userId }, 'user created');
      return userToProto(user);
    }),

    listUsers: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'users:list');
      const p = page(req.page);
      const rows = await stores(deps.db).users.list(actor.tenantId, userListFilter(req), p);
      const { items, nextCursor } = pageOf(rows, p);
      return { users: items.map(userToProto), page: { nextCursor } };
    }),

    getUser: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const userId = id('id', req.id);
      // Anyone may read themselves; reading others is for staff.
      if (userId !== actor.userId && !can(actor.role, 'users:read')) throw new PermissionDenied();
      const user = await stores(deps.db).users.get(actor.tenantId, userId);
      if (!user) throw notFound.user();
      return userToProto(user);
    }),

    updateUser: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const userId = id('id', req.id);
      const patch = {
        name: req.name,
        email: req.email,
        role: req.role,
        phone: req.phone,
        password: req.password,
        customerId: req.customerId,
        version: req.version,
      };
      // Hashing is slow: do it before taking row locks (the strength check runs again in the domain).
      const passwordHash =
        patch.password === undefined ? undefined : await hashPassword(password('password', patch.password));
      const now = deps.clock();
      const user = await inTransaction(deps.db, async (s) => {
        // A role change may remove an admin: take the tenant lock first, in the same order as deactivation.
        if (patch.role !== undefined) await s.tenants.lock(actor.tenantId);
        const current = await s.users.get(actor.tenantId, userId, { forUpdate: true });
        if (!current) throw notFound.user();
        const update = updateUser(actor, current, patch, now);
        if (!update.changed) return current;
        const { next } = update;
        if (next.customerId !== current.customerId) await ensureCustomer(s, actor.tenantId, next.customerId);
        if (
          next.email &&
          next.email !== current.email &&
          (await s.users.emailTaken(actor.tenantId, next.email, userId))
        ) {
          throw new EmailTaken();
        }
        if (update.losesAdmin) ensureAdminRemains(await s.users.otherActiveAdmins(actor.tenantId, userId));
        if (!(await s.users.save(next, current.version, passwordHash))) throw new StaleVersion('user', current.version);
        // A new password ends every session opened with the old one.
        if (passwordHash) await s.refreshTokens.revokeAllOfUser(actor.tenantId, userId, now);
        await deps.outbox.add(s.db, userEvent('user_updated', next));
        return next;
      });
      return userToProto(user);
    }),

    deactivateUser: switchActive(false),
    activateUser: switchActive(true),
  };
}
