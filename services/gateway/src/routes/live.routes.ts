// WebSocket GET /v1/live: positions and job changes of the caller's tenant, as they happen, filtered by what the
// caller may see. The access token comes in `Authorization` or, from a browser, `?access_token=`; without a valid
// one the upgrade is refused with 401 before any socket exists. A plain HTTP GET is answered 426.
import type { Caller } from '@fieldline/platform';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/http-error.js';
import { LIVE_CLOSE, LiveSession, type LiveSocket } from '../live/live-session.js';
import { seesPositions, type Viewer } from '../live/live-visibility.js';
import { callerOf } from '../plugins/authentication.js';
import { SECURED } from '../plugins/openapi.js';
import { errorResponses } from '../views/common.js';
import type { RouteDeps } from './route-deps.js';

const LiveQuery = Type.Object(
  {
    access_token: Type.Optional(
      Type.String({ maxLength: 4096, description: 'the access token, for browsers (they cannot set headers)' }),
    ),
  },
  { additionalProperties: false },
);

/** A co-worker's assigned customers decide which jobs they follow as notify-only or requester; read once. */
const MAX_CUSTOMER_PAGES = 20;

export async function liveRoutes(app: FastifyInstance, { accounts, live, config }: RouteDeps) {
  async function viewerOf(caller: Caller): Promise<Viewer> {
    const assignedCustomerIds: string[] = [];
    if (caller.role === 'coworker') {
      let cursor = '';
      for (let page = 0; page < MAX_CUSTOMER_PAGES; page++) {
        const res = await accounts.customers.listCustomers({ page: { limit: 100, cursor }, q: '' }, { caller });
        assignedCustomerIds.push(...res.customers.map((c) => c.id));
        cursor = res.page?.nextCursor ?? '';
        if (!cursor) break;
      }
    }
    return { role: caller.role, userId: caller.userId, customerId: caller.customerId, assignedCustomerIds };
  }

  app.route({
    method: 'GET',
    url: '/v1/live',
    // The URL may carry an access token: no access log lines for this route (warnings and errors only).
    logLevel: 'warn',
    config: { action: 'live:subscribe', tokenInQuery: true },
    schema: {
      tags: ['location'],
      summary: 'WebSocket: live positions and job changes',
      description:
        'Open with a WebSocket handshake (`ws://host/v1/live`), the access token in `Authorization: Bearer` or, ' +
        'from a browser, `?access_token=`; without a valid one the handshake is answered 401. The server sends ' +
        'JSON text messages: first `{"type":"ready"}`, then `{"type":"position", workerId, deviceId, lat, lng, ' +
        'accuracyM, speedMps, headingDeg, batteryPct, deviceTime}` (at most one per worker per second) and `{"type":"job", ' +
        'event, occurredAt, job}` (event: job_created, job_assigned, job_status_changed, …; job: as GET ' +
        '/v1/jobs/{id} shows it to you). Admins and dispatchers get every position and job of the tenant; a ' +
        'co-worker only their own position and the jobs they are on; clients and guests only their jobs, ' +
        'restricted, and no positions. The server pings every 30 s and closes a socket that does not answer; it ' +
        'closes with 4001 when the access token expires (reconnect with a fresh one), 4002 when the client ' +
        'reads too slowly (positions are dropped first), 1013 when the feed is unavailable (retry later). ' +
        'Messages from the client are ignored. A plain HTTP GET is answered 426.',
      security: SECURED,
      querystring: LiveQuery,
      response: {
        101: { description: 'switching to the WebSocket protocol', type: 'null' },
        ...errorResponses(400, 401, 403),
        426: Type.Ref('ErrorResponse', { description: 'not a WebSocket handshake (UPGRADE_REQUIRED)' }),
      },
    },
    handler: async (_request, reply) => {
      reply.header('upgrade', 'websocket');
      throw new HttpError(426, 'UPGRADE_REQUIRED', 'GET /v1/live is a WebSocket: open it with a WebSocket client');
    },
    wsHandler: async (ws, request) => {
      const socket = ws as unknown as LiveSocket;
      const caller = callerOf(request);
      const log = app.log.child({ reqId: request.id, tenantId: caller.tenantId, userId: caller.userId });
      let closed = false;
      let leave: (() => void) | undefined;
      socket.on('close', () => {
        closed = true;
        leave?.();
      });
      let session: LiveSession;
      try {
        const viewer = await viewerOf(caller);
        session = new LiveSession(socket, viewer, {
          maxBufferedBytes: config.liveMaxBufferedBytes,
          pingIntervalMs: config.livePingIntervalMs,
          expiresAt: request.credentialExpiresAt,
        });
        leave = await live.join(caller.tenantId, session);
      } catch (err) {
        log.warn({ err }, 'live feed refused');
        if (!closed) socket.close(LIVE_CLOSE.unavailable.code, LIVE_CLOSE.unavailable.reason);
        return;
      }
      if (closed) {
        leave();
        return;
      }
      session.start(() => {
        leave?.();
        log.info({ dropped: session.dropped }, 'live socket closed');
      });
      session.send({
        type: 'ready',
        userId: caller.userId,
        role: caller.role,
        positions: seesPositions(session.viewer),
      });
      log.info('live socket open');
    },
  });
}
