// Users of the caller's tenant: create directly, list and filter, read, change, deactivate and activate.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../plugins/authentication.js';
import { SECURED } from '../plugins/openapi.js';
import {
  Email,
  errorResponses,
  Id,
  IdParams,
  Name,
  nextCursor,
  Page,
  PageQuery,
  Password,
  Role,
} from '../views/common.js';
import { toUserView } from '../views/user.view.js';
import { as, type RouteDeps } from './route-deps.js';

const Phone = Type.String({ maxLength: 40 });

const CreateBody = Type.Object(
  {
    name: Name(),
    role: Role,
    email: Type.Optional(Email),
    password: Type.Optional(Password),
    customerId: Type.Optional(Id('required for clients and guests')),
    phone: Type.Optional(Phone),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    role: Type.Optional(Role),
    active: Type.Optional(Type.Boolean()),
    customerId: Type.Optional(Id()),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'matches name or e-mail' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    name: Type.Optional(Name()),
    email: Type.Optional(Email),
    role: Type.Optional(Role),
    phone: Type.Optional(Phone),
    password: Type.Optional(Password),
    customerId: Type.Optional(Type.String({ maxLength: 64, description: 'empty string for none' })),
    version: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'refuse if stale (409)' })),
  },
  { additionalProperties: false },
);

export async function usersRoutes(app: FastifyInstance, { accounts, cache }: RouteDeps) {
  const one = { 200: Type.Ref('User'), ...errorResponses(400, 401, 403, 404, 409) };

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/v1/users',
    {
      config: { action: 'users:create' },
      schema: {
        tags: ['users'],
        summary: 'Create a user directly (e.g. a field worker without e-mail)',
        security: SECURED,
        body: CreateBody,
        response: { 201: Type.Ref('User'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const user = await accounts.users.createUser(
        {
          name: b.name,
          role: b.role,
          email: b.email ?? '',
          password: b.password ?? '',
          customerId: b.customerId ?? '',
          phone: b.phone ?? '',
        },
        as(request),
      );
      reply.code(201);
      return toUserView(user);
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/users',
    {
      config: { action: 'users:list' },
      schema: {
        tags: ['users'],
        summary: 'List users, filtered by role, active state, customer or a search text',
        security: SECURED,
        querystring: ListQuery,
        response: { 200: Page(Type.Ref('User')), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { role, active, customerId, q, limit, cursor } = request.query;
      const res = await accounts.users.listUsers(
        {
          role: role ?? '',
          active: active === undefined ? '' : String(active),
          customerId: customerId ?? '',
          q: q ?? '',
          page: { limit: limit ?? 50, cursor: cursor ?? '' },
        },
        as(request),
      );
      return { items: res.users.map(toUserView), nextCursor: nextCursor(res.page) };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/users/:id',
    {
      config: { action: 'users:read' },
      schema: { tags: ['users'], summary: 'One user', security: SECURED, params: IdParams, response: one },
    },
    async (request) => toUserView(await accounts.users.getUser({ id: request.params.id }, as(request))),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/v1/users/:id',
    {
      config: { action: 'users:update' },
      schema: {
        tags: ['users'],
        summary: 'Change a user (only the fields sent)',
        security: SECURED,
        params: IdParams,
        body: UpdateBody,
        response: one,
      },
    },
    async (request) =>
      toUserView(await accounts.users.updateUser({ id: request.params.id, ...request.body }, as(request))),
  );

  for (const [verb, action] of [
    ['deactivate', 'users:deactivate'],
    ['activate', 'users:activate'],
  ] as const) {
    app.post<{ Params: Static<typeof IdParams> }>(
      `/v1/users/:id/${verb}`,
      {
        config: { action },
        schema: {
          tags: ['users'],
          summary:
            verb === 'deactivate'
              ? 'Deactivate a user: their tokens, devices and sessions stop working at once'
              : 'Activate a deactivated user again',
          security: SECURED,
          params: IdParams,
          response: one,
        },
      },
      async (request) => {
        const { id } = request.params;
        if (verb === 'activate') return toUserView(await accounts.users.activateUser({ id }, as(request)));
        const user = await accounts.users.deactivateUser({ id }, as(request));
        // The user's devices and keys resolved here lately must not outlive the deactivation by a cache period.
        const tenantId = callerOf(request).tenantId;
        cache.evict((c) => c.tenantId === tenantId && c.userId === id);
        return toUserView(user);
      },
    );
  }
}
