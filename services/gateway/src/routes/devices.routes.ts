// Workers' devices: register one (its token is shown once), list them, revoke one.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../plugins/authentication.js';
import { SECURED } from '../plugins/openapi.js';
import { errorResponses, Id, IdParams, Name, nextCursor, Page, PageQuery } from '../views/common.js';
import { DeviceView, toDeviceView } from '../views/device.view.js';
import { as, type RouteDeps } from './route-deps.js';

const CreateBody = Type.Object(
  {
    workerId: Id('the user who carries the device'),
    name: Name('e.g. "Anna\'s phone"'),
    uniqueId: Type.Optional(
      Type.String({
        minLength: 4,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_.-]+$',
        description: 'the Traccar Client device identifier; generated unguessable when omitted',
      }),
    ),
  },
  { additionalProperties: false },
);
const CreatedDevice = Type.Object({
  ...DeviceView.properties,
  token: Type.String({ description: 'fld_…: shown once; send as `Authorization: Bearer <token>`' }),
});
const ListQuery = Type.Object({ workerId: Type.Optional(Id()), ...PageQuery }, { additionalProperties: false });

export async function devicesRoutes(app: FastifyInstance, { accounts, cache }: RouteDeps) {
  app.post<{ Body: Static<typeof CreateBody> }>(
    '/v1/devices',
    {
      config: { action: 'devices:create' },
      schema: {
        tags: ['devices'],
        summary: "Register a worker's device and get its token",
        security: SECURED,
        body: CreateBody,
        response: { 201: CreatedDevice, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { workerId, name, uniqueId } = request.body;
      const res = await accounts.devices.createDevice({ workerId, name, uniqueId: uniqueId ?? '' }, as(request));
      reply.code(201);
      return { ...toDeviceView(res.device), token: res.token };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/devices',
    {
      config: { action: 'devices:list' },
      schema: {
        tags: ['devices'],
        summary: 'List devices, optionally of one worker',
        security: SECURED,
        querystring: ListQuery,
        response: { 200: Page(Type.Ref('Device')), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { workerId, limit, cursor } = request.query;
      const res = await accounts.devices.listDevices(
        { workerId: workerId ?? '', page: { limit: limit ?? 50, cursor: cursor ?? '' } },
        as(request),
      );
      return { items: res.devices.map(toDeviceView), nextCursor: nextCursor(res.page) };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/v1/devices/:id/revoke',
    {
      config: { action: 'devices:revoke' },
      schema: {
        tags: ['devices'],
        summary: 'Revoke a device: its token stops working',
        security: SECURED,
        params: IdParams,
        response: { 200: Type.Ref('Device'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const device = await accounts.devices.revokeDevice({ id: request.params.id }, as(request));
      const tenantId = callerOf(request).tenantId;
      cache.evict((c) => c.tenantId === tenantId && c.deviceId === device.id);
      return toDeviceView(device);
    },
  );
}
