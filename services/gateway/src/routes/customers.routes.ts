// Customers with their sites and contacts, and which co-workers serve them.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SECURED } from '../plugins/openapi.js';
import { Email, errorResponses, Id, IdParams, Name, nextCursor, Page, PageQuery } from '../views/common.js';
import { toCustomerView } from '../views/customer.view.js';
import { as, type RouteDeps } from './route-deps.js';

const Phone = Type.String({ maxLength: 40 });
const SiteInput = Type.Object(
  {
    id: Type.Optional(Id('keep an existing site; omit for a new one')),
    name: Name(),
    address: Type.String({ maxLength: 500 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);
const ContactInput = Type.Object(
  {
    id: Type.Optional(Id('keep an existing contact; omit for a new one')),
    name: Name(),
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    title: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
const Sites = Type.Array(SiteInput, { maxItems: 500 });
const Contacts = Type.Array(ContactInput, { maxItems: 200 });
const Code = Type.String({ minLength: 1, maxLength: 50, description: "the tenant's own short code, unique" });
const SlaHours = Type.Integer({ minimum: 0, maximum: 10_000 });

const CreateBody = Type.Object(
  {
    code: Code,
    name: Name(),
    slaHours: Type.Optional(SlaHours),
    sites: Type.Optional(Sites),
    contacts: Type.Optional(Contacts),
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    code: Type.Optional(Code),
    name: Type.Optional(Name()),
    slaHours: Type.Optional(SlaHours),
    sites: Type.Optional(Sites),
    contacts: Type.Optional(Contacts),
    email: Type.Optional(Type.String({ maxLength: 254, description: 'empty string for none' })),
    phone: Type.Optional(Phone),
    active: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'refuse if stale (409)' })),
  },
  { additionalProperties: false },
);
const CoworkersBody = Type.Object(
  { userIds: Type.Array(Id(), { maxItems: 500, uniqueItems: true }) },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 200, description: 'matches code or name' })), ...PageQuery },
  { additionalProperties: false },
);

const toSites = (sites: Static<typeof Sites>) =>
  sites.map((s) => ({ id: s.id ?? '', name: s.name, address: s.address, lat: s.lat, lng: s.lng }));
const toContacts = (contacts: Static<typeof Contacts>) =>
  contacts.map((c) => ({
    id: c.id ?? '',
    name: c.name,
    email: c.email ?? '',
    phone: c.phone ?? '',
    title: c.title ?? '',
  }));

export async function customersRoutes(app: FastifyInstance, { accounts }: RouteDeps) {
  const one = { 200: Type.Ref('Customer'), ...errorResponses(400, 401, 403, 404, 409) };

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/customers',
    {
      config: { action: 'customers:list' },
      schema: {
        tags: ['customers'],
        summary: 'Customers visible to the caller (co-workers: assigned ones; clients and guests: their own)',
        security: SECURED,
        querystring: ListQuery,
        response: { 200: Page(Type.Ref('Customer')), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { q, limit, cursor } = request.query;
      const res = await accounts.customers.listCustomers(
        { q: q ?? '', page: { limit: limit ?? 50, cursor: cursor ?? '' } },
        as(request),
      );
      return { items: res.customers.map(toCustomerView), nextCursor: nextCursor(res.page) };
    },
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/v1/customers',
    {
      config: { action: 'customers:create' },
      schema: {
        tags: ['customers'],
        summary: 'Create a customer',
        security: SECURED,
        body: CreateBody,
        response: { 201: Type.Ref('Customer'), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const customer = await accounts.customers.createCustomer(
        {
          code: b.code,
          name: b.name,
          slaHours: b.slaHours,
          sites: toSites(b.sites ?? []),
          contacts: toContacts(b.contacts ?? []),
          email: b.email ?? '',
          phone: b.phone ?? '',
        },
        as(request),
      );
      reply.code(201);
      return toCustomerView(customer);
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/customers/:id',
    {
      config: { action: 'customers:read' },
      schema: { tags: ['customers'], summary: 'One customer', security: SECURED, params: IdParams, response: one },
    },
    async (request) => toCustomerView(await accounts.customers.getCustomer({ id: request.params.id }, as(request))),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/v1/customers/:id',
    {
      config: { action: 'customers:update' },
      schema: {
        tags: ['customers'],
        summary: 'Change a customer (only the fields sent; sites and contacts are replaced whole)',
        security: SECURED,
        params: IdParams,
        body: UpdateBody,
        response: one,
      },
    },
    async (request) => {
      const { sites, contacts, ...rest } = request.body;
      const customer = await accounts.customers.updateCustomer(
        {
          id: request.params.id,
          ...rest,
          sites: sites === undefined ? undefined : { sites: toSites(sites) },
          contacts: contacts === undefined ? undefined : { contacts: toContacts(contacts) },
        },
        as(request),
      );
      return toCustomerView(customer);
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof CoworkersBody> }>(
    '/v1/customers/:id/coworkers',
    {
      config: { action: 'customers:assign-coworkers' },
      schema: {
        tags: ['customers'],
        summary: 'Set which co-workers serve this customer (the list replaces the previous one)',
        security: SECURED,
        params: IdParams,
        body: CoworkersBody,
        response: one,
      },
    },
    async (request) =>
      toCustomerView(
        await accounts.customers.setCustomerCoworkers(
          { id: request.params.id, userIds: request.body.userIds },
          as(request),
        ),
      ),
  );
}
