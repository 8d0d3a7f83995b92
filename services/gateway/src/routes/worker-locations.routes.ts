// Where the workers are and who can go: the nearest available workers to a point or a customer site, the latest
// positions, a worker's track as GeoJSON, and a worker's shift and skills. The location service applies the
// per-worker rules (a co-worker sees and changes only their own); the role gates are auth/location-policy.ts.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ValidationFailed } from '../http/http-error.js';
import { SECURED } from '../plugins/openapi.js';
import { errorResponses, Id, IdParams, Timestamp } from '../views/common.js';
import {
  NearbyWorkerView,
  toNearbyWorkerView,
  toShiftView,
  toTrackView,
  toWorkerPositionView,
} from '../views/location.view.js';
import { as, type RouteDeps } from './route-deps.js';

/** The location service's own bounds (services/location/src/domain/location-input.ts). */
const MAX_RADIUS_M = 500_000;
const DEFAULT_RADIUS_M = 25_000;
const MAX_RESULTS = 100;
const MAX_TRACK_SPAN_MS = 7 * 24 * 3600_000;

const NearestQuery = Type.Object(
  {
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'with lng: search around this point' })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    customerId: Type.Optional(Id('with siteId: search around this customer site instead of a point')),
    siteId: Type.Optional(Id()),
    radiusM: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: MAX_RADIUS_M,
        default: DEFAULT_RADIUS_M,
        description: `metres (default ${DEFAULT_RADIUS_M}, at most ${MAX_RADIUS_M})`,
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RESULTS, default: 10 })),
    skill: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'only workers with this skill' })),
    available: Type.Optional(
      Type.Boolean({ description: 'true: only available workers (on shift, no job in progress, fresh position)' }),
    ),
  },
  { additionalProperties: false },
);
const NearestResponse = Type.Object({ items: Type.Array(NearbyWorkerView) });
const PositionsResponse = Type.Object({ items: Type.Array(Type.Ref('WorkerPosition')) });
const TrackQuery = Type.Object(
  { from: Timestamp('start of the window'), to: Timestamp('end of the window (at most 7 days after from)') },
  { additionalProperties: false },
);
const ShiftBody = Type.Object(
  {
    onShift: Type.Boolean(),
    skills: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), {
      maxItems: 50,
      description:
        'the full list (admins and dispatchers replace it; [] clears it). A co-worker cannot change their ' +
        'skills: they send [] or their current list',
    }),
  },
  { additionalProperties: false },
);

export async function workerLocationsRoutes(app: FastifyInstance, { location }: RouteDeps) {
  app.get<{ Querystring: Static<typeof NearestQuery> }>(
    '/v1/workers/nearest',
    {
      config: { action: 'workers:nearest' },
      schema: {
        tags: ['location'],
        summary: 'The workers nearest to a point or a customer site, closest first',
        description:
          'Give `lat` and `lng`, or `customerId` and `siteId` (a site with coordinates), not both. ' +
          '`available=true` keeps only workers on shift, with no job in progress and a fresh position; `skill` ' +
          'only those with that skill (case-insensitive). Admins and dispatchers only.',
        security: SECURED,
        querystring: NearestQuery,
        response: { 200: NearestResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      const point = q.lat !== undefined || q.lng !== undefined;
      const site = q.customerId !== undefined || q.siteId !== undefined;
      if (point && site) {
        throw new ValidationFailed('give either lat and lng, or customerId and siteId, not both', 'lat');
      }
      if (!site) {
        if (q.lat === undefined) throw new ValidationFailed('lat is required (or customerId and siteId)', 'lat');
        if (q.lng === undefined) throw new ValidationFailed('lng is required with lat', 'lng');
      } else {
        if (q.customerId === undefined) throw new ValidationFailed('customerId is required with siteId', 'customerId');
        if (q.siteId === undefined) throw new ValidationFailed('siteId is required with customerId', 'siteId');
      }
      const res = await location.location.findNearest(
        {
          ...(point && { lat: q.lat, lng: q.lng }),
          customerId: q.customerId ?? '',
          siteId: q.siteId ?? '',
          radiusM: q.radiusM ?? DEFAULT_RADIUS_M,
          limit: q.limit ?? 10,
          skill: q.skill ?? '',
          availableOnly: q.available === true,
        },
        as(request),
      );
      return { items: res.workers.map(toNearbyWorkerView) };
    },
  );

  app.get(
    '/v1/workers/positions',
    {
      config: { action: 'workers:positions' },
      schema: {
        tags: ['location'],
        summary: 'The latest position of each worker (a co-worker: only their own)',
        description:
          'Every worker of the tenant with a known position, sorted by worker id, stale ones flagged. Admins and ' +
          'dispatchers see everyone; a co-worker gets at most their own position.',
        security: SECURED,
        response: { 200: PositionsResponse, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const res = await location.location.listPositions({}, as(request));
      return { items: res.positions.map(toWorkerPositionView) };
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof TrackQuery> }>(
    '/v1/workers/:id/track',
    {
      config: { action: 'workers:track' },
      schema: {
        tags: ['location'],
        summary: "A worker's track between two times, as a GeoJSON Feature",
        description:
          'A `Feature` whose geometry is a `MultiLineString`: one line per segment, split where the phone was ' +
          'silent for long (an offline gap) so a map does not draw a straight jump. Coordinates are ' +
          '`[lng, lat]` (GeoJSON order). `properties`: `workerId`, the window `from`/`to`, the number of ' +
          '`points`, and `coordTimes` (the device time of each coordinate, nested like the coordinates). At most ' +
          '7 days per request; very long tracks are thinned evenly. Answered as `application/geo+json`. ' +
          'Admins and dispatchers: any worker; a co-worker: their own.',
        security: SECURED,
        params: IdParams,
        querystring: TrackQuery,
        response: {
          200: { description: 'the track', content: { 'application/geo+json': { schema: Type.Ref('Track') } } },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const from = new Date(request.query.from);
      const to = new Date(request.query.to);
      if (to.getTime() <= from.getTime()) throw new ValidationFailed('to must be after from', 'to');
      if (to.getTime() - from.getTime() > MAX_TRACK_SPAN_MS) {
        throw new ValidationFailed('a track spans at most 7 days (to − from)', 'to');
      }
      const res = await location.location.getTrack({ workerId: request.params.id, from, to }, as(request));
      reply.type('application/geo+json; charset=utf-8');
      return toTrackView(res, { from: from.toISOString(), to: to.toISOString() });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/workers/:id/shift',
    {
      config: { action: 'workers:read-shift' },
      schema: {
        tags: ['location'],
        summary: "A worker's shift and skills (a co-worker: their own)",
        security: SECURED,
        params: IdParams,
        response: { 200: Type.Ref('Shift'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => toShiftView(await location.location.getShift({ workerId: request.params.id }, as(request))),
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof ShiftBody> }>(
    '/v1/workers/:id/shift',
    {
      config: { action: 'workers:update-shift' },
      schema: {
        tags: ['location'],
        summary: "Set a worker's shift and skills",
        description:
          'Admins and dispatchers set anyone on or off shift and replace their skills. A co-worker goes on or off ' +
          'shift themself but cannot change their skills (403 SKILLS_FORBIDDEN). Only workers on shift are ' +
          '`available` to the nearest search and auto-assign. Clients and guests have no shift (400 NOT_A_WORKER).',
        security: SECURED,
        params: IdParams,
        body: ShiftBody,
        response: { 200: Type.Ref('Shift'), ...errorResponses(400, 401, 403, 404, 415) },
      },
    },
    async (request) =>
      toShiftView(
        await location.location.setShift(
          { workerId: request.params.id, onShift: request.body.onShift, skills: request.body.skills },
          as(request),
        ),
      ),
  );
}
