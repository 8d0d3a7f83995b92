// The OpenAPI 3.1 document built from the route schemas, served at /openapi.json and browsable at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const API_TAGS = [
  { name: 'auth', description: 'Sign up, log in, refresh and log out' },
  { name: 'me', description: 'The caller' },
  { name: 'invitations', description: 'Invite people into a tenant' },
  { name: 'users', description: 'People of a tenant and their roles' },
  { name: 'settings', description: 'Tenant-wide settings' },
  { name: 'customers', description: 'Customers, their sites, contacts and co-workers' },
  { name: 'devices', description: "Workers' phones and trackers" },
  { name: 'api-keys', description: 'Credentials for integrations' },
  { name: 'job-types', description: 'Kinds of job and their custom fields' },
  { name: 'jobs', description: 'Jobs from request to completion: assignment, negotiation, status, history' },
  { name: 'job-activity', description: 'Notes, attachments, time logs and reminders on jobs' },
  { name: 'public', description: 'Jobs from outside: the public request form and the VoIP webhook' },
  {
    name: 'location',
    description:
      "Workers' positions, the nearest available workers, tracks, shifts and skills; phones' GPS fixes (device " +
      'batches and the Traccar Client / OsmAnd protocol); the live WebSocket feed',
  },
  { name: 'health', description: 'Probes' },
];

export const openapi = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Fieldline API',
          version: '1.0.0',
          description:
            'Multi-tenant field-service dispatch. JSON is camelCase, times are RFC 3339 UTC, ids are opaque. ' +
            'Every error is `{"error": {"code", "message", "field"}}`. Lists return `{items, nextCursor}`; pass ' +
            '`cursor=<nextCursor>` for the next page.',
        },
        tags: API_TAGS,
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'An access token (JWT) from login, or a device token (fld_…) or API key (flk_…)',
            },
            apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (flk_…)' },
          },
        },
      },
      // Shared schemas ($id) become components/schemas/<id> instead of opaque def-N names.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });
    app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  },
  { name: 'fieldline-openapi' },
);

/** The `security` of a route that needs a credential: a bearer token or an X-API-Key header. */
export const SECURED: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKey: [] }];
