// gRPC door of API keys: create (the key shown once), list, revoke.
import { newOpaqueToken, tokenPrefix } from '@fieldline/auth';
import { newId, unary } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import { type ApiKey, newApiKey } from '../domain/api-key.js';
import { notFound } from '../domain/errors.js';
import { id } from '../domain/fields.js';
import { page, pageOf } from '../domain/pagination.js';
import { stores } from '../store/stores.js';
import { actorOf } from './caller.js';
import type { AccountsDeps } from './deps.js';
import { apiKeyToProto } from './to-proto.js';

export function apiKeysHandlers(deps: AccountsDeps): accounts.ApiKeysServiceServer {
  const { log } = deps;
  return {
    createApiKey: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'api-keys:create');
      const input = newApiKey(req);
      const key = newOpaqueToken('flk');
      const apiKey: ApiKey = {
        id: newId('key'),
        tenantId: actor.tenantId,
        name: input.name,
        role: input.role,
        prefix: tokenPrefix(key.token),
        createdBy: actor.userId,
        revoked: false,
        createdAt: deps.clock(),
      };
      await stores(deps.db).apiKeys.insert(apiKey, key.hash);
      log.info(
        { tenantId: actor.tenantId, apiKeyId: apiKey.id, role: apiKey.role, by: actor.userId },
        'API key created',
      );
      return { apiKey: apiKeyToProto(apiKey), key: key.token };
    }),

    listApiKeys: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'api-keys:list');
      const p = page(req.page);
      const rows = await stores(deps.db).apiKeys.list(actor.tenantId, p);
      const { items, nextCursor } = pageOf(rows, p);
      return { apiKeys: items.map(apiKeyToProto), page: { nextCursor } };
    }),

    revokeApiKey: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'api-keys:revoke');
      const revoked = await stores(deps.db).apiKeys.revoke(actor.tenantId, id('id', req.id), deps.clock());
      if (!revoked) throw notFound.apiKey();
      log.info({ tenantId: actor.tenantId, apiKeyId: revoked.apiKey.id, by: actor.userId }, 'API key revoked');
      return apiKeyToProto(revoked.apiKey);
    }),
  };
}
