// API keys for integrations: create one (the key is shown once), list them, revoke one.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../plugins/authentication.js';
import { SECURED } from '../plugins/openapi.js';
import { ApiKeyRole, ApiKeyView, toApiKeyView } from '../views/api-key.view.js';
import { errorResponses, IdParams, Name, nextCursor, Page, PageQuery } from '../views/common.js';
import { as, type RouteDeps } from './route-deps.js';

const CreateBody = Type.Object(
  { name: Name('what the key is for, e.g. "VoIP bridge"'), role: Type.Optional(ApiKeyRole) },
  { additionalProperties: false },
);
const CreatedKey = Type.Object({
  ...ApiKeyView.properties,
  key: Type.String({ description: 'flk_…: shown once; send as `X-API-Key` or `Authorization: Bearer`' }),
});
const ListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export async function apiKeysRoutes(app: FastifyInstance, { accounts, cache }: RouteDeps) {
  app.post<{ Body: Static<typeof CreateBody> }>(
    '/v1/api-keys',
    {
      config: { action: 'api-keys:create' },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key (acts as a dispatcher unless role says admin)',
        security: SECURED,
        body: CreateBody,
        response: { 201: CreatedKey, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { name, role } = request.body;
      const res = await accounts.apiKeys.createApiKey({ name, role: role ?? 'dispatcher' }, as(request));
      reply.code(201);
      return { ...toApiKeyView(res.apiKey), key: res.key };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/api-keys',
    {
      config: { action: 'api-keys:list' },
      schema: {
        tags: ['api-keys'],
        summary: 'List API keys (never the keys themselves)',
        security: SECURED,
        querystring: ListQuery,
        response: { 200: Page(Type.Ref('ApiKey')), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const res = await accounts.apiKeys.listApiKeys(
        { page: { limit: limit ?? 50, cursor: cursor ?? '' } },
        as(request),
      );
      return { items: res.apiKeys.map(toApiKeyView), nextCursor: nextCursor(res.page) };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/v1/api-keys/:id/revoke',
    {
      config: { action: 'api-keys:revoke' },
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key: it stops working',
        security: SECURED,
        params: IdParams,
        response: { 200: Type.Ref('ApiKey'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const key = await accounts.apiKeys.revokeApiKey({ id: request.params.id }, as(request));
      const tenantId = callerOf(request).tenantId;
      cache.evict((c) => c.tenantId === tenantId && c.apiKeyId === key.id);
      return toApiKeyView(key);
    },
  );
}
