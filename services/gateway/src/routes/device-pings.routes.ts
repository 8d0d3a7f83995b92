// A phone's offline buffer uploaded in one go: POST /v1/device/pings with its device token, forwarded to the
// location service's IngestPings as the device. Any order; pings seen before are counted as duplicates; bad
// pings come back one by one with the reason, and never spoil the rest of the batch.
import type { location } from '@fieldline/proto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, Nullable, Timestamp } from '../views/common.js';
import { as, type RouteDeps } from './route-deps.js';

const PingBody = Type.Object(
  {
    seq: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'per-device sequence number, one more per recorded fix; omit in every ping or none',
      }),
    ),
    deviceTime: Timestamp('when the phone took the fix'),
    lat: Type.Number({ description: '-90..90' }),
    lng: Type.Number({ description: '-180..180' }),
    accuracyM: Type.Optional(Type.Number({ description: 'horizontal accuracy, metres (≥ 0)' })),
    speedMps: Type.Optional(Type.Number({ description: 'm/s; -1 or absent = unknown' })),
    headingDeg: Type.Optional(Type.Number({ description: '0..360; -1 or absent = unknown' })),
    batteryPct: Type.Optional(Type.Number({ description: '0..100; -1 or absent = unknown' })),
    altitudeM: Type.Optional(Type.Number()),
    charging: Type.Optional(Type.Boolean()),
    mock: Type.Optional(Type.Boolean({ description: 'the OS reported a simulated location' })),
  },
  { additionalProperties: false },
);
type PingBody = Static<typeof PingBody>;

const IngestResponse = Type.Object({
  accepted: Type.Integer({ description: 'stored now' }),
  duplicates: Type.Integer({ description: 'seen before (same seq, or same device time): ignored' }),
  rejected: Type.Array(
    Type.Object({
      seq: Nullable(Type.Integer({ description: 'null for a ping sent without seq' })),
      field: Type.String({ description: 'lat, lng, deviceTime, accuracyM, …' }),
      reason: Type.String(),
    }),
  ),
});

export function toProtoPing(p: PingBody): location.Ping {
  return {
    seq: p.seq ?? 0,
    deviceTime: new Date(p.deviceTime),
    lat: p.lat,
    lng: p.lng,
    accuracyM: p.accuracyM ?? 0,
    speedMps: p.speedMps ?? -1,
    headingDeg: p.headingDeg ?? -1,
    batteryPct: p.batteryPct ?? -1,
    ...(p.altitudeM !== undefined && { altitudeM: p.altitudeM }),
    charging: p.charging ?? false,
    mock: p.mock ?? false,
  };
}

export async function devicePingsRoutes(app: FastifyInstance, { location, config }: RouteDeps) {
  const Body = Type.Object(
    { pings: Type.Array(PingBody, { minItems: 1, maxItems: config.pingBatchMax }) },
    { additionalProperties: false },
  );

  app.post<{ Body: Static<typeof Body> }>(
    '/v1/device/pings',
    {
      config: { action: 'location:ingest', principals: ['device'] },
      schema: {
        tags: ['location'],
        summary: "Upload a batch of a phone's GPS fixes (device token only)",
        description:
          `Up to ${config.pingBatchMax} pings per request (more is 400; a body over the size limit 413), in any ` +
          'order: the location service applies them in device-time order per worker. A ping seen before (same ' +
          'seq, or same device time when sent without seq) counts as a duplicate, so a phone can resend a batch ' +
          'whose answer it missed. Give every ping a seq, or none (then they are deduplicated by device time). ' +
          'Each bad ping (lat out of range, time too far in the future, …) is listed in `rejected` with its ' +
          'field; the others are stored.',
        security: [{ bearerAuth: [] }],
        body: Body,
        response: { 200: IngestResponse, ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request) => {
      const pings = request.body.pings.map(toProtoPing);
      const seqLess = request.body.pings.every((p) => p.seq === undefined);
      const res = await location.location.ingestPings({ pings, seqLess }, as(request));
      return {
        accepted: res.accepted,
        duplicates: res.duplicates,
        rejected: res.rejected.map((r) => ({ seq: r.seq > 0 ? r.seq : null, field: r.field, reason: r.reason })),
      };
    },
  );
}
