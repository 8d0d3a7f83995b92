// Public identity routes: sign up a tenant, log in, rotate a refresh token, log out.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { perMinute } from '../plugins/rate-limits.js';
import { Email, errorResponses, Name, Password } from '../views/common.js';
import { AuthView, TokenFields, toAuthView, toTenantView, toTokenFields, toUserView } from '../views/user.view.js';
import type { RouteDeps } from './route-deps.js';

const SignupBody = Type.Object(
  {
    companyName: Name('the company, shown to its users'),
    name: Name('the first admin'),
    email: Email,
    password: Password,
  },
  { additionalProperties: false },
);
const SignupResponse = Type.Object({
  tenant: Type.Ref('Tenant'),
  user: Type.Ref('User'),
  ...TokenFields,
});
const LoginBody = Type.Object(
  {
    tenant: Type.String({ minLength: 1, maxLength: 100, description: "the tenant's slug" }),
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Password,
  },
  { additionalProperties: false },
);
const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);

export async function authRoutes(app: FastifyInstance, { accounts, config }: RouteDeps) {
  const limited = { public: true, ...perMinute(config.authRateLimitPerMinute) };

  app.post<{ Body: Static<typeof SignupBody> }>(
    '/v1/signup',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Create a tenant and its first admin, and log the admin in',
        body: SignupBody,
        response: { 201: SignupResponse, ...errorResponses(400, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const res = await accounts.identity.signup(request.body);
      reply.code(201);
      return { tenant: toTenantView(res.tenant), user: toUserView(res.user), ...toTokenFields(res.tokens) };
    },
  );

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/v1/auth/login',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Log in with tenant slug, e-mail and password',
        body: LoginBody,
        response: { 200: AuthView, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const { tenant, email, password } = request.body;
      return toAuthView(await accounts.identity.login({ tenantSlug: tenant, email, password }));
    },
  );

  app.post<{ Body: Static<typeof RefreshBody> }>(
    '/v1/auth/refresh',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Trade a refresh token for a new pair',
        description:
          'The old refresh token stops working. Presenting an already used refresh token again revokes the whole ' +
          'family of tokens issued from the same login (a stolen token is then useless to both parties).',
        body: RefreshBody,
        response: { 200: AuthView, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => toAuthView(await accounts.identity.refresh({ refreshToken: request.body.refreshToken })),
  );

  app.post<{ Body: Static<typeof RefreshBody> }>(
    '/v1/auth/logout',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Revoke a refresh token (and the tokens rotated from it)',
        description: 'Access tokens already issued stay valid until they expire (minutes).',
        body: RefreshBody,
        response: { 204: Type.Null({ description: 'logged out' }), ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      await accounts.identity.logout({ refreshToken: request.body.refreshToken });
      return reply.code(204).send();
    },
  );
}
