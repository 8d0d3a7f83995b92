// The OpenAPI document: well-formed 3.1, every route there with its security, errors and schemas resolvable.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { testGateway } from './gateway-fixture.js';

type Operation = {
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  requestBody?: unknown;
};
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string }> };
};

const IDENTITY_ROUTES = [
  'POST /v1/signup',
  'POST /v1/auth/login',
  'POST /v1/auth/refresh',
  'POST /v1/auth/logout',
  'GET /v1/me',
  'POST /v1/invitations',
  'GET /v1/invitations',
  'POST /v1/invitations/{id}/resend',
  'POST /v1/invitations/accept',
  'POST /v1/users',
  'GET /v1/users',
  'GET /v1/users/{id}',
  'PATCH /v1/users/{id}',
  'POST /v1/users/{id}/deactivate',
  'POST /v1/users/{id}/activate',
  'GET /v1/settings',
  'PATCH /v1/settings',
  'GET /v1/customers',
  'POST /v1/customers',
  'GET /v1/customers/{id}',
  'PATCH /v1/customers/{id}',
  'PUT /v1/customers/{id}/coworkers',
  'POST /v1/devices',
  'GET /v1/devices',
  'POST /v1/devices/{id}/revoke',
  'POST /v1/api-keys',
  'GET /v1/api-keys',
  'POST /v1/api-keys/{id}/revoke',
];
const JOBS_ROUTES = [
  'GET /v1/job-types',
  'POST /v1/job-types',
  'PATCH /v1/job-types/{id}',
  'POST /v1/jobs',
  'GET /v1/jobs',
  'GET /v1/jobs/{id}',
  'PATCH /v1/jobs/{id}',
  'POST /v1/jobs/{id}/assign',
  'POST /v1/jobs/{id}/accept',
  'POST /v1/jobs/{id}/reject',
  'POST /v1/jobs/{id}/proposals/{pid}/accept',
  'POST /v1/jobs/{id}/proposals/{pid}/counter',
  'POST /v1/jobs/{id}/transition',
  'POST /v1/jobs/{id}/complete',
  'POST /v1/jobs/{id}/auto-assign',
  'GET /v1/jobs/{id}/history',
  'POST /v1/jobs/{id}/participants',
  'GET /v1/workers/{id}/schedule',
  'GET /v1/jobs/{id}/notes',
  'POST /v1/jobs/{id}/notes',
  'GET /v1/jobs/{id}/attachments',
  'POST /v1/jobs/{id}/attachments',
  'GET /v1/attachments/{id}/content',
  'GET /v1/jobs/{id}/time-logs',
  'POST /v1/jobs/{id}/time-logs',
  'GET /v1/jobs/{id}/reminders',
  'POST /v1/jobs/{id}/reminders',
  'GET /v1/public/forms/{formKey}',
  'POST /v1/public/requests/{formKey}',
  'POST /v1/integrations/voip/calls',
];
const LOCATION_ROUTES = [
  'POST /v1/device/pings',
  'GET /osmand',
  'POST /osmand',
  'GET /v1/workers/nearest',
  'GET /v1/workers/positions',
  'GET /v1/workers/{id}/track',
  'GET /v1/workers/{id}/shift',
  'PUT /v1/workers/{id}/shift',
  'GET /v1/live',
];
const PUBLIC = [
  'GET /v1/public/forms/{formKey}',
  'POST /v1/public/requests/{formKey}',
  'POST /v1/signup',
  'POST /v1/auth/login',
  'POST /v1/auth/refresh',
  'POST /v1/auth/logout',
  'POST /v1/invitations/accept',
];

let app: FastifyInstance;
let doc: Doc;
beforeAll(async () => {
  app = await testGateway();
  const res = await app.inject({ url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => app.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );

/** Every $ref in `value`, so a test can show they all resolve. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

describe('/openapi.json', () => {
  it('is an OpenAPI 3.1 document with info, paths and both security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Fieldline API', version: expect.any(String) });
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
  });

  it('lists every identity, jobs and location route of API.md', () => {
    const listed = operations().map((o) => o.key);

    expect(listed).toEqual(expect.arrayContaining([...IDENTITY_ROUTES, ...JOBS_ROUTES, ...LOCATION_ROUTES]));
  });

  it('documents the track as a GeoJSON Feature and the live feed as a WebSocket upgrade', () => {
    const track = doc.paths['/v1/workers/{id}/track'].get.responses['200'];
    const live = doc.paths['/v1/live'].get.responses;

    expect(Object.keys(track.content ?? {})).toEqual(['application/geo+json']);
    expect(refsIn(track)).toContain('#/components/schemas/Track');
    expect(Object.keys(live)).toEqual(expect.arrayContaining(['101', '401', '426']));
  });

  it('documents the attachment upload as multipart with a binary file part', () => {
    const body = doc.paths['/v1/jobs/{id}/attachments'].post.requestBody as {
      content: Record<string, { schema: { properties: Record<string, { format?: string }>; required: string[] } }>;
    };

    expect(Object.keys(body.content)).toEqual(['multipart/form-data']);
    expect(body.content['multipart/form-data'].schema).toMatchObject({
      required: ['file'],
      properties: { file: { format: 'binary' } },
    });
  });

  it('documents the Idempotency-Key header of job creation and the PATCH version as required', () => {
    const create = doc.paths['/v1/jobs'].post as Operation & { parameters: Array<{ in: string; name: string }> };
    const patch = doc.paths['/v1/jobs/{id}'].patch.requestBody as {
      content: { 'application/json': { schema: { required: string[] } } };
    };

    expect(create.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'idempotency-key' }));
    expect(patch.content['application/json'].schema.required).toEqual(['version']);
  });

  it('tags every operation, secures every non-public one, and documents the error shape', () => {
    for (const { key, op } of operations().filter((o) => o.key.includes('/v1/'))) {
      expect({ key, tagged: Boolean(op.tags?.length) }).toEqual({ key, tagged: true });
      expect({ key, secured: Boolean(op.security?.length) }).toEqual({ key, secured: !PUBLIC.includes(key) });
      const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400);
      expect({ key, documentsErrors: errors.length > 0 }).toEqual({ key, documentsErrors: true });
      expect(refsIn(op.responses[errors[0]])).toContain('#/components/schemas/ErrorResponse');
    }
  });

  it('resolves every $ref to a component', () => {
    for (const ref of refsIn(doc)) {
      const name = ref.replace('#/components/schemas/', '');

      expect({ ref, exists: name in doc.components.schemas }).toEqual({ ref, exists: true });
    }
  });

  it('documents request bodies as closed objects', () => {
    const body = doc.paths['/v1/customers'].post.requestBody as {
      content: { 'application/json': { schema: { additionalProperties: boolean; required: string[] } } };
    };

    expect(body.content['application/json'].schema).toMatchObject({
      additionalProperties: false,
      required: ['code', 'name'],
    });
  });

  it('serves the browsable docs at /docs', async () => {
    const res = await app.inject({ url: '/docs/' });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
