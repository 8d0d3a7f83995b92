// Job types: admins define kinds of job with a custom field schema; jobs of a type are checked against it.
import type { jobs } from '@fieldline/proto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SECURED } from '../plugins/openapi.js';
import { errorResponses, IdParams, Page } from '../views/common.js';
import { CustomFieldType, toJobTypeView } from '../views/job-type.view.js';
import { as, type RouteDeps } from './route-deps.js';

const FieldDef = Type.Object(
  {
    key: Type.String({
      pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,39}$',
      maxLength: 40,
      description: 'the key in customFields',
    }),
    label: Type.Optional(Type.String({ maxLength: 100, description: 'shown to people; the key if omitted' })),
    type: CustomFieldType,
    required: Type.Optional(Type.Boolean()),
    options: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100, description: 'enum fields only' }),
    ),
    min: Type.Optional(Type.Number({ description: 'number fields only' })),
    max: Type.Optional(Type.Number({ description: 'number fields only' })),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'text fields only' })),
  },
  { additionalProperties: false },
);
const Fields = Type.Array(FieldDef, { maxItems: 50 });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Description = Type.String({ maxLength: 1000 });

const CreateBody = Type.Object(
  { name: Name, description: Type.Optional(Description), fields: Type.Optional(Fields) },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    fields: Type.Optional(Fields),
    active: Type.Optional(
      Type.Boolean({ description: 'an inactive type is kept for its jobs, offered for no new one' }),
    ),
  },
  { additionalProperties: false },
);

const toFieldDefs = (fields: Static<typeof Fields>): jobs.CustomFieldDef[] =>
  fields.map((f) => ({
    key: f.key,
    label: f.label ?? '',
    type: f.type,
    required: f.required ?? false,
    options: f.options ?? [],
    min: f.min,
    max: f.max,
    maxLength: f.maxLength,
  }));

export async function jobTypesRoutes(app: FastifyInstance, { jobs }: RouteDeps) {
  app.get(
    '/v1/job-types',
    {
      config: { action: 'job-types:list' },
      schema: {
        tags: ['job-types'],
        summary: "The tenant's job types with their custom field schemas (clients and guests: none)",
        security: SECURED,
        response: { 200: Page(Type.Ref('JobType')), ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const res = await jobs.jobTypes.listJobTypes({}, as(request));
      return { items: res.jobTypes.map(toJobTypeView), nextCursor: null };
    },
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/v1/job-types',
    {
      config: { action: 'job-types:create' },
      schema: {
        tags: ['job-types'],
        summary: 'Define a job type and its custom fields (admins)',
        security: SECURED,
        body: CreateBody,
        response: { 201: Type.Ref('JobType'), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { name, description, fields } = request.body;
      const type = await jobs.jobTypes.createJobType(
        { name, description: description ?? '', fields: toFieldDefs(fields ?? []) },
        as(request),
      );
      reply.code(201);
      return toJobTypeView(type);
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/v1/job-types/:id',
    {
      config: { action: 'job-types:update' },
      schema: {
        tags: ['job-types'],
        summary: 'Change a job type (only the fields sent; fields are replaced whole)',
        security: SECURED,
        params: IdParams,
        body: UpdateBody,
        response: { 200: Type.Ref('JobType'), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { fields, ...rest } = request.body;
      const type = await jobs.jobTypes.updateJobType(
        { id: request.params.id, ...rest, fields: fields === undefined ? undefined : { fields: toFieldDefs(fields) } },
        as(request),
      );
      return toJobTypeView(type);
    },
  );
}
