// gRPC door of identity: signup, login, refresh-token rotation, logout, credential lookup for the gateway, me.
import { randomBytes } from 'node:crypto';
import { hashOpaqueToken, hashPassword, verifyPassword } from '@fieldline/auth';
import { Conflict, InvalidArgument, newId, unary } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import {
  CredentialRevoked,
  InvalidCredentials,
  InvalidRefreshToken,
  notFound,
  RefreshTokenExpired,
  RefreshTokenReused,
  UnknownCredential,
  UserDeactivated,
} from '../domain/errors.js';
import { loginInput, presentedToken, signupInput } from '../domain/identity.js';
import { refreshRefusal } from '../domain/refresh-token.js';
import { defaultSettings } from '../domain/settings.js';
import { freeSlug, slugBase, type Tenant } from '../domain/tenant.js';
import type { User } from '../domain/user.js';
import { settingsUpdated, tenantCreated, userEvent } from '../events/accounts-events.js';
import { inTransaction, type Stores, stores } from '../store/stores.js';
import { actorOf } from './caller.js';
import type { AccountsDeps } from './deps.js';
import { issueTokens } from './sessions.js';
import { principalToProto, tenantToProto, userToProto } from './to-proto.js';

// Two signups racing for the same slug: the loser picks the next one. More rounds than that means trouble.
const SLUG_ATTEMPTS = 5;
export const MAX_ME_LOOKUPS = 500;

export function identityHandlers(deps: AccountsDeps): accounts.IdentityServiceServer {
  const { log } = deps;
  // A login for an unknown user still pays for one scrypt, so response time does not reveal who exists.
  // Hashed up front: computing it on the first unknown login would make that one slower than the rest.
  const decoy = hashPassword(randomBytes(16).toString('hex'));

  return {
    signup: unary(log, async (req) => {
      const input = signupInput(req);
      const passwordHash = await hashPassword(input.password);
      const now = deps.clock();
      const result = await inTransaction(deps.db, async (s) => {
        const tenant = await createTenant(s, input.companyName, now);
        const settings = defaultSettings(tenant.id, {
          invitationTtlHours: deps.invitationTtlHours,
          formKey: randomBytes(18).toString('base64url'),
          now,
        });
        await s.settings.insert(settings);
        const user: User = {
          id: newId('usr'),
          tenantId: tenant.id,
          name: input.name,
          email: input.email,
          role: 'admin',
          active: true,
          phone: '',
          createdAt: now,
          updatedAt: now,
          version: 1,
        };
        await s.users.insert(user, passwordHash);
        await deps.outbox.add(s.db, tenantCreated(tenant));
        await deps.outbox.add(s.db, userEvent('user_created', user));
        await deps.outbox.add(s.db, settingsUpdated(settings));
        const tokens = await issueTokens(s, deps, user, now);
        return { tenant, user, tokens };
      });
      log.info({ tenantId: result.tenant.id, userId: result.user.id, slug: result.tenant.slug }, 'tenant signed up');
      return { tenant: tenantToProto(result.tenant), user: userToProto(result.user), tokens: result.tokens };
    }),

    login: unary(log, async (req) => {
      const input = loginInput({ tenantSlug: req.tenantSlug, email: req.email, password: req.password });
      const found = await stores(deps.db).users.forLogin(input.tenantSlug, input.email);
      const matches = await verifyPassword(input.password, found?.passwordHash ?? (await decoy));
      if (!found?.passwordHash || !matches) throw new InvalidCredentials();
      // Only after the password proved who is asking do we say the account is switched off.
      if (!found.user.active) throw new UserDeactivated();
      const now = deps.clock();
      const tokens = await inTransaction(deps.db, (s) => issueTokens(s, deps, found.user, now));
      return { user: userToProto(found.user), tokens };
    }),

    refresh: unary(log, async (req) => {
      const presented = presentedToken('refreshToken', req.refreshToken);
      const plain = stores(deps.db);
      const hit = await plain.refreshTokens.findByHash(hashOpaqueToken(presented));
      if (!hit) throw new InvalidRefreshToken();
      const { token, user } = hit;
      const now = deps.clock();
      if (!user.active) {
        await plain.refreshTokens.revokeFamily(token.familyId, now);
        throw new UserDeactivated();
      }
      const refusal = refreshRefusal(token, now);
      if (refusal === 'expired') throw new RefreshTokenExpired();
      const tokens =
        refusal === undefined
          ? await inTransaction(deps.db, async (s) =>
              // Spending is atomic: of two requests presenting the same token, one wins and one is a reuse.
              (await s.refreshTokens.markUsed(token.id, now))
                ? issueTokens(s, deps, user, now, token.familyId)
                : undefined,
            )
          : undefined;
      if (!tokens) {
        // A spent token presented again has leaked (or raced): end the whole session, the thief's copy too.
        await plain.refreshTokens.revokeFamily(token.familyId, now);
        log.warn({ tenantId: user.tenantId, userId: user.id, familyId: token.familyId }, 'refresh token reused');
        throw new RefreshTokenReused();
      }
      return { user: userToProto(user), tokens };
    }),

    logout: unary(log, async (req) => {
      const presented = presentedToken('refreshToken', req.refreshToken);
      const plain = stores(deps.db);
      const hit = await plain.refreshTokens.findByHash(hashOpaqueToken(presented));
      // Logging out with an unknown token is a no-op: there is nothing to end, and nothing to reveal.
      if (hit) await plain.refreshTokens.revokeFamily(hit.token.familyId, deps.clock());
      return {};
    }),

    authenticate: unary(log, async (req) => {
      const credential = req.credential;
      if (!credential || credential.value.trim() === '') {
        throw new InvalidArgument('credential', 'a device token, device unique id or API key is required');
      }
      if (credential.value.length > 512) throw new UnknownCredential();
      const now = deps.clock();
      const credentials = stores(deps.db).credentials;
      const actor =
        credential.$case === 'apiKey'
          ? await credentials.apiKey(hashOpaqueToken(credential.value), now)
          : credential.$case === 'deviceToken'
            ? await credentials.device({ tokenHash: hashOpaqueToken(credential.value) }, now)
            : await credentials.device({ uniqueId: credential.value }, now);
      if (!actor) throw new UnknownCredential();
      return principalToProto(actor);
    }),

    getMe: unary(log, async (_req, ctx) => {
      const caller = ctx.caller();
      // A user's own call is the hot path: credential check and read in one query.
      if (caller.kind === 'user') {
        const me = await stores(deps.db).users.activeWithTenant(caller.tenantId, caller.userId);
        if (!me) throw new CredentialRevoked('user');
        return { user: userToProto(me.user), tenant: tenantToProto(me.tenant) };
      }
      const actor = await actorOf(deps, ctx, 'me:read');
      const s = stores(deps.db);
      const [user, tenant] = await Promise.all([
        s.users.get(actor.tenantId, actor.userId),
        s.tenants.get(actor.tenantId),
      ]);
      if (!user) throw notFound.user();
      if (!tenant) throw notFound.tenant();
      return { user: userToProto(user), tenant: tenantToProto(tenant) };
    }),

    batchGetMe: unary(log, async (req) => {
      const lookups = meLookups(req);
      const found = await stores(deps.db).users.activeWithTenants(lookups);
      return {
        results: found.map((me) =>
          me
            ? { user: userToProto(me.user), tenant: tenantToProto(me.tenant) }
            : { user: undefined, tenant: undefined },
        ),
      };
    }),
  };
}

/** The lookups of a BatchGetMe, checked: a bounded list of non-empty ids. */
function meLookups(req: accounts.BatchGetMeRequest): Array<{ tenantId: string; userId: string }> {
  if (req.lookups.length > MAX_ME_LOOKUPS) {
    throw new InvalidArgument('lookups', `at most ${MAX_ME_LOOKUPS} lookups per call, got ${req.lookups.length}`);
  }
  return req.lookups.map((l, i) => {
    if (!l.tenantId || l.tenantId.length > 64)
      throw new InvalidArgument(`lookups[${i}].tenant_id`, 'must be a tenant id');
    if (!l.userId || l.userId.length > 64) throw new InvalidArgument(`lookups[${i}].user_id`, 'must be a user id');
    return { tenantId: l.tenantId, userId: l.userId };
  });
}

async function createTenant(s: Stores, companyName: string, now: Date): Promise<Tenant> {
  const base = slugBase(companyName);
  for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
    const slug = freeSlug(base, await s.tenants.slugsLike(base));
    const tenant: Tenant = { id: newId('t'), slug, name: companyName, createdAt: now };
    if (await s.tenants.tryInsert(tenant)) return tenant;
  }
  throw new Conflict('TENANT_SLUG_BUSY', 'could not find a free tenant slug; try again', 'companyName');
}
