// The caller: who they are, in which tenant, with which credential.

import type { Caller } from '@fieldline/platform';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Me, MeBatcher } from '../clients/me-batcher.js';
import { HttpError } from '../http/http-error.js';
import { callerOf } from '../plugins/authentication.js';
import { SECURED } from '../plugins/openapi.js';
import { errorResponses, Nullable } from '../views/common.js';
import { toTenantView, toUserView } from '../views/user.view.js';
import { as, type RouteDeps } from './route-deps.js';

const MeResponse = Type.Object({
  user: Type.Ref('User'),
  tenant: Type.Ref('Tenant'),
  credential: Type.Object({
    kind: Type.Union([Type.Literal('user'), Type.Literal('device'), Type.Literal('api_key')]),
    deviceId: Nullable(Type.String()),
    apiKeyId: Nullable(Type.String()),
  }),
});

export async function meRoutes(app: FastifyInstance, { accounts, meBatcher }: RouteDeps) {
  app.get(
    '/v1/me',
    {
      // A phone checks its device token here, so device tokens are welcome on this one route.
      config: { action: 'me:read', principals: ['user', 'device', 'api_key'] },
      schema: {
        tags: ['me'],
        summary: 'The caller, as accounts sees them now (a deactivated user gets 401)',
        security: SECURED,
        response: { 200: MeResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      // A user's lookup joins the others of this turn (one BatchGetMe); devices and API keys ask on their own.
      const res =
        caller.kind === 'user' ? await meOfUser(meBatcher, caller) : await accounts.identity.getMe({}, as(request));
      return {
        user: toUserView(res.user),
        tenant: toTenantView(res.tenant),
        credential: { kind: caller.kind, deviceId: caller.deviceId ?? null, apiKeyId: caller.apiKeyId ?? null },
      };
    },
  );
}

async function meOfUser(batcher: MeBatcher, caller: Caller): Promise<Me> {
  const me = await batcher.get(caller);
  // What accounts' own GetMe answers for a user who is gone or deactivated.
  if (!me) throw new HttpError(401, 'CREDENTIAL_REVOKED', 'this user is no longer valid');
  return me;
}
