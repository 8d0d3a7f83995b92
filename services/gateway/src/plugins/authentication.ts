// Who is calling and may they: every non-public route declares the action it needs; the caller comes from a
// JWT (verified here) or a device token / API key (resolved by accounts, cached briefly), and its role is checked.
import { AccessTokenVerifier, hashOpaqueToken, InvalidToken, type Role } from '@fieldline/auth';
import { type Caller, fromGrpcError, type PrincipalKind } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { CredentialCache } from '../auth/credential-cache.js';
import { type Credential, credentialOf } from '../auth/credentials.js';
import { mayPerform, type RouteAction } from '../auth/jobs-policy.js';
import type { AccountsClients } from '../clients/accounts-clients.js';
import { forbidden, unauthenticated } from '../http/http-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No credential needed (signup, login, health, docs). */
    public?: boolean;
    /** The action a caller's role must allow (libs/auth policy, or the gateway's jobs policy). */
    action?: RouteAction;
    /** Which kinds of credential may call the route; users and API keys unless said otherwise. */
    principals?: PrincipalKind[];
    /** Also take an access token from `?access_token=` (a browser cannot set headers on a WebSocket). */
    tokenInQuery?: boolean;
  }
  interface FastifyRequest {
    caller: Caller | undefined;
    /** When the caller's access token expires (epoch ms); undefined for device tokens and API keys. */
    credentialExpiresAt: number | undefined;
  }
}

export type AuthenticationOptions = {
  jwtSecret: string;
  identity: AccountsClients['identity'];
  cache: CredentialCache;
};

const DEFAULT_PRINCIPALS: PrincipalKind[] = ['user', 'api_key'];

/** The authenticated caller of a protected route (its hook has run, so there is one). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error(`route ${request.routeOptions.url} has no caller: is it declared public?`);
  return request.caller;
}

export const authentication = fp(
  async (app: FastifyInstance, opts: AuthenticationOptions) => {
    const tokens = new AccessTokenVerifier({ secret: opts.jwtSecret });
    app.decorateRequest('caller', undefined);
    app.decorateRequest('credentialExpiresAt', undefined);

    // Fail closed at start-up: a route that says neither who may call it nor that it is public is a bug.
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/v1/')) return;
      const config = route.config ?? {};
      if (!config.public && !config.action) throw new Error(`route ${route.method} ${route.url} declares no action`);
    });

    app.addHook('onRequest', async (request) => {
      const config = request.routeOptions.config;
      if (!config || config.public || !config.action) return;
      const credential = credentialOf(request, { query: config.tokenInQuery === true });
      if (!credential) throw unauthenticated('this route needs a credential: Authorization: Bearer <token>');
      const { caller, expiresAt } = await resolve(credential, tokens, opts);
      const principals = config.principals ?? DEFAULT_PRINCIPALS;
      if (!principals.includes(caller.kind))
        throw forbidden(`a ${caller.kind.replace('_', ' ')} cannot call this route`);
      if (!mayPerform(caller.role as Role, config.action)) throw forbidden(`a ${caller.role} may not ${config.action}`);
      request.caller = caller;
      request.credentialExpiresAt = expiresAt;
    });
  },
  { name: 'fieldline-authentication' },
);

async function resolve(
  credential: Credential,
  tokens: AccessTokenVerifier,
  opts: AuthenticationOptions,
): Promise<{ caller: Caller; expiresAt?: number }> {
  if (credential.kind === 'jwt') {
    try {
      const claims = tokens.verify(credential.value);
      return {
        caller: { kind: 'user', tenantId: claims.tid, userId: claims.sub, role: claims.role, customerId: claims.cid },
        expiresAt: claims.exp * 1000,
      };
    } catch (err) {
      if (err instanceof InvalidToken)
        throw unauthenticated(err.reason === 'expired' ? 'the access token has expired' : 'invalid access token');
      throw err;
    }
  }
  const hash = hashOpaqueToken(credential.value);
  const cached = opts.cache.get(hash);
  if (cached) return { caller: cached };
  const request: accounts.AuthenticateRequest = {
    credential:
      credential.kind === 'device_token'
        ? { $case: 'deviceToken', value: credential.value }
        : { $case: 'apiKey', value: credential.value },
  };
  let principal: accounts.Principal;
  try {
    principal = await opts.identity.authenticate(request);
  } catch (err) {
    const domain = fromGrpcError(err);
    // Unknown, revoked or malformed: all the same to the client, and nothing cached.
    if (domain && ['unauthenticated', 'not_found', 'invalid_argument', 'permission_denied'].includes(domain.kind)) {
      throw unauthenticated(credential.kind === 'api_key' ? 'invalid API key' : 'invalid device token');
    }
    throw err;
  }
  const caller = toCaller(principal);
  opts.cache.set(hash, caller);
  return { caller };
}

function toCaller(p: accounts.Principal): Caller {
  return {
    kind: p.kind as PrincipalKind,
    tenantId: p.tenantId,
    userId: p.userId,
    role: p.role as Role,
    customerId: p.customerId || undefined,
    deviceId: p.deviceId || undefined,
    apiKeyId: p.apiKeyId || undefined,
  };
}
