// The Traccar Client / OsmAnd door: GET or POST /osmand with no bearer token; the phone names itself by its
// device uniqueId. Query string, form body (classic and newer clients) or Traccar Client 9's JSON body are read by
// osmand/parse-osmand.ts, the device is resolved through accounts, and the fixes go to the location service's
// IngestPings as that device, without seq (deduplicated by device time). 200 with an empty body when stored.
import type { Role } from '@fieldline/auth';
import type { location } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mayPerform } from '../auth/jobs-policy.js';
import { forbidden, HttpError, ValidationFailed } from '../http/http-error.js';
import { osmandDevice } from '../osmand/osmand-device.js';
import {
  type OsmandFix,
  OsmandInputError,
  type OsmandReport,
  type PingField,
  parseOsmandJson,
  parseOsmandParams,
} from '../osmand/parse-osmand.js';
import { perMinute } from '../plugins/rate-limits.js';
import { errorResponses } from '../views/common.js';
import type { RouteDeps } from './route-deps.js';

const FORM_MEDIA = 'application/x-www-form-urlencoded';

const OsmandQuery = Type.Object(
  {
    id: Type.Optional(Type.String({ description: "the device's uniqueId (POST /v1/devices); also `deviceid`" })),
    timestamp: Type.Optional(
      Type.String({ description: 'unix seconds, milliseconds (≥ 2^31) or ISO 8601; absent: received time' }),
    ),
    lat: Type.Optional(Type.String({ description: 'degrees' })),
    lon: Type.Optional(Type.String({ description: 'degrees' })),
    location: Type.Optional(Type.String({ description: '"lat,lon" instead of lat and lon' })),
    speed: Type.Optional(Type.String({ description: 'knots' })),
    bearing: Type.Optional(Type.String({ description: 'degrees (also `heading`)' })),
    altitude: Type.Optional(Type.String({ description: 'metres' })),
    accuracy: Type.Optional(Type.String({ description: 'metres (else `hdop`, read as metres like the OsmAnd app)' })),
    batt: Type.Optional(Type.String({ description: 'battery, %' })),
    charge: Type.Optional(Type.String({ description: 'true | false' })),
    valid: Type.Optional(Type.String({ description: 'false: not a fix (nothing stored)' })),
    mock: Type.Optional(Type.String({ description: 'true | false: a simulated location' })),
    alarm: Type.Optional(Type.String({ description: 'e.g. sos: logged' })),
  },
  { additionalProperties: true },
);

/** The query string's parameters (first of a repeated one), then the form body's on top. */
function paramsOf(request: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const q = request.url.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(request.url.slice(q + 1))) if (!out.has(k)) out.set(k, v);
  if (request.body instanceof Map) for (const [k, v] of request.body as Map<string, string>) out.set(k, v);
  return out;
}

const isJson = (request: FastifyRequest) => /^application\/(.+\+)?json\b/i.test(request.headers['content-type'] ?? '');

function toProtoPing(fix: OsmandFix): location.Ping {
  return {
    seq: 0,
    deviceTime: fix.deviceTime,
    lat: fix.lat,
    lng: fix.lng,
    accuracyM: fix.accuracyM,
    speedMps: fix.speedMps,
    headingDeg: fix.headingDeg,
    batteryPct: fix.batteryPct,
    ...(fix.altitudeM !== undefined && { altitudeM: fix.altitudeM }),
    charging: fix.charging,
    mock: fix.mock,
  };
}

/** A location service rejection, named as the client sent the field (an array's item index is not known). */
function rejectionField(report: OsmandReport, field: string): string {
  const names = report.fieldNames[0] as Record<string, string> | undefined;
  const name = names && Object.hasOwn(names, field) ? names[field as PingField] : field;
  return report.fixes.length > 1 ? name.replace(/^location\.\d+\./, 'location.') : name;
}

export async function osmandRoutes(app: FastifyInstance, { accounts, location, cache, config }: RouteDeps) {
  // Its own context: only this door also reads form bodies (and text/plain, which some trackers send them as).
  await app.register(async (door) => {
    const form = (_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) =>
      done(null, new Map(new URLSearchParams(body.toString())));
    door.addContentTypeParser(FORM_MEDIA, { parseAs: 'string' }, form);
    door.addContentTypeParser('text/plain', { parseAs: 'string' }, form);

    door.route({
      method: ['GET', 'POST'],
      url: '/osmand',
      config: { public: true, ...perMinute(config.deviceRateLimitPerMinute) },
      schema: {
        tags: ['location'],
        summary: 'Traccar Client / OsmAnd protocol: a phone reports its position (no bearer token)',
        description:
          "The phone names itself with `id` (query or form) or `device_id` (JSON): the device's `uniqueId` from " +
          '`POST /v1/devices`. Three formats: (1) the query string (GET or POST) of the classic protocol; (2) ' +
          'the same parameters as an `application/x-www-form-urlencoded` body (newer clients); (3) Traccar ' +
          'Client 9\'s JSON body `{"device_id", "location": {"timestamp", "coords": {"latitude", "longitude", ' +
          '"accuracy", "speed" (m/s), "heading", "altitude"}, "battery": {"level" (0..1), "is_charging"}, ...}}`, ' +
          '`location` also as an array. Speed in the query and form is in knots. A request without coordinates ' +
          '(a push-token update, a heartbeat) is answered 200 and stores nothing. Answers 200 with an empty ' +
          'body once stored; a malformed or refused value is 400 naming the parameter; an unknown device is 404 ' +
          'for JSON and 400 otherwise (as Traccar answers). Rate limited per client IP.',
        querystring: OsmandQuery,
        consumes: ['application/json', FORM_MEDIA],
        response: {
          200: { description: 'stored (or nothing to store): empty body', type: 'null' },
          ...errorResponses(400, 404, 413, 415, 429, 503),
        },
      },
      handler: async (request, reply) => {
        const json = isJson(request);
        let report: OsmandReport;
        try {
          report = json ? parseOsmandJson(request.body, new Date()) : parseOsmandParams(paramsOf(request), new Date());
        } catch (err) {
          if (err instanceof OsmandInputError) throw new ValidationFailed(err.message, err.field);
          throw err;
        }
        const device = await osmandDevice(report.deviceId, { identity: accounts.identity, cache });
        if (!device) {
          // Traccar's own answers: 404 to the JSON client, 400 to the classic one.
          throw new HttpError(
            json ? 404 : 400,
            'DEVICE_NOT_FOUND',
            'no active device has this identifier: register it with POST /v1/devices (uniqueId)',
            json ? 'device_id' : 'id',
          );
        }
        if (!mayPerform(device.role as Role, 'location:ingest')) {
          throw forbidden(`a ${device.role}'s device does not report positions`);
        }
        const log = { tenantId: device.tenantId, deviceId: device.deviceId, workerId: device.userId };
        for (const fix of report.fixes) if (fix.alarm) request.log.warn({ ...log, alarm: fix.alarm }, 'device alarm');
        if (report.fixes.length > 0) {
          const res = await location.location.ingestPings(
            { pings: report.fixes.map(toProtoPing), seqLess: true },
            { caller: device },
          );
          const first = res.rejected[0];
          if (first) {
            request.log.info({ ...log, rejected: res.rejected, accepted: res.accepted }, 'traccar fix refused');
            const field = rejectionField(report, first.field);
            throw new ValidationFailed(`${field}: ${first.reason}`, field);
          }
        }
        return reply.code(200).send();
      },
    });
  });
}
