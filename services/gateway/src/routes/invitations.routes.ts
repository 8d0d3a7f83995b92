// Invitations: invite someone by e-mail, list and resend them, and accept one (public: the token is the credential).
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SECURED } from '../plugins/openapi.js';
import { perMinute } from '../plugins/rate-limits.js';
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
import { InvitationStatus, toInvitationView } from '../views/invitation.view.js';
import { AuthView, toAuthView } from '../views/user.view.js';
import { as, type RouteDeps } from './route-deps.js';

const CreateBody = Type.Object(
  {
    email: Email,
    role: Role,
    customerId: Type.Optional(Id('the customer of an invited client or guest')),
    name: Type.Optional(Name('how to greet the invitee')),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  { status: Type.Optional(InvitationStatus), ...PageQuery },
  { additionalProperties: false },
);
const AcceptBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 512, description: 'from the invitation e-mail' }),
    name: Name(),
    password: Password,
  },
  { additionalProperties: false },
);

export async function invitationsRoutes(app: FastifyInstance, { accounts, config }: RouteDeps) {
  app.post<{ Body: Static<typeof CreateBody> }>(
    '/v1/invitations',
    {
      config: { action: 'invitations:create' },
      schema: {
        tags: ['invitations'],
        summary: 'Invite someone (an e-mail with a single-use link is sent)',
        description:
          'Admins invite anyone; dispatchers anyone but admins and dispatchers; coworkers and clients only guests ' +
          'of their own customers. Clients and guests need a customerId.',
        security: SECURED,
        body: CreateBody,
        response: { 201: Type.Ref('Invitation'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { email, role, customerId, name } = request.body;
      const invitation = await accounts.invitations.createInvitation(
        { email, role, customerId: customerId ?? '', name: name ?? '' },
        as(request),
      );
      reply.code(201);
      return toInvitationView(invitation);
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/invitations',
    {
      config: { action: 'invitations:list' },
      schema: {
        tags: ['invitations'],
        summary: 'List invitations, optionally by status',
        security: SECURED,
        querystring: ListQuery,
        response: { 200: Page(Type.Ref('Invitation')), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query;
      const res = await accounts.invitations.listInvitations(
        { status: status ?? '', page: { limit: limit ?? 50, cursor: cursor ?? '' } },
        as(request),
      );
      return { items: res.invitations.map(toInvitationView), nextCursor: nextCursor(res.page) };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/v1/invitations/:id/resend',
    {
      config: { action: 'invitations:resend' },
      schema: {
        tags: ['invitations'],
        summary: 'Send a pending or expired invitation again, with a fresh link and expiry',
        security: SECURED,
        params: IdParams,
        response: { 200: Type.Ref('Invitation'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      toInvitationView(await accounts.invitations.resendInvitation({ id: request.params.id }, as(request))),
  );

  app.post<{ Body: Static<typeof AcceptBody> }>(
    '/v1/invitations/accept',
    {
      config: { public: true, ...perMinute(config.authRateLimitPerMinute) },
      schema: {
        tags: ['invitations'],
        summary: 'Accept an invitation: creates the user and logs them in',
        body: AcceptBody,
        response: { 200: AuthView, ...errorResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) => toAuthView(await accounts.invitations.acceptInvitation(request.body)),
  );
}
