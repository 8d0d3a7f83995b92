// Builds the gateway (plugins, shared schemas, routes) without listening; its gRPC clients close with it.
import { randomUUID } from 'node:crypto';
import websocket from '@fastify/websocket';
import type { Logger } from '@fieldline/platform';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { CredentialCache } from './auth/credential-cache.js';
import { createAccountsClients } from './clients/accounts-clients.js';
import { createJobsClients } from './clients/jobs-clients.js';
import { createLocationClients } from './clients/location-clients.js';
import { MeBatcher } from './clients/me-batcher.js';
import { NatsLink } from './clients/nats-link.js';
import type { GatewayConfig } from './config.js';
import { LiveHub } from './live/live-hub.js';
import { LIVE_CLOSE } from './live/live-session.js';
import { authentication } from './plugins/authentication.js';
import { errorHandler } from './plugins/error-handler.js';
import { jsonBody } from './plugins/json-body.js';
import { openapi } from './plugins/openapi.js';
import { rateLimits } from './plugins/rate-limits.js';
import { security } from './plugins/security.js';
import { nullableAwareSerializer } from './plugins/serialization.js';
import { typeboxValidatorCompiler } from './plugins/validation.js';
import { apiKeysRoutes } from './routes/api-keys.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { customersRoutes } from './routes/customers.routes.js';
import { devicePingsRoutes } from './routes/device-pings.routes.js';
import { devicesRoutes } from './routes/devices.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { invitationsRoutes } from './routes/invitations.routes.js';
import { jobActivityRoutes } from './routes/job-activity.routes.js';
import { jobTypesRoutes } from './routes/job-types.routes.js';
import { jobsRoutes } from './routes/jobs.routes.js';
import { liveRoutes } from './routes/live.routes.js';
import { meRoutes } from './routes/me.routes.js';
import { osmandRoutes } from './routes/osmand.routes.js';
import { publicIntakeRoutes } from './routes/public-intake.routes.js';
import type { RouteDeps } from './routes/route-deps.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { usersRoutes } from './routes/users.routes.js';
import { workerLocationsRoutes } from './routes/worker-locations.routes.js';
import { ApiKeyView } from './views/api-key.view.js';
import { AttachmentView } from './views/attachment.view.js';
import { ErrorResponse } from './views/common.js';
import { CustomerView } from './views/customer.view.js';
import { DeviceView } from './views/device.view.js';
import { InvitationView } from './views/invitation.view.js';
import { JobView } from './views/job.view.js';
import { HistoryEntryView, ProposalView } from './views/job-history.view.js';
import { JobTypeView } from './views/job-type.view.js';
import { ShiftView, TrackView, WorkerPositionView } from './views/location.view.js';
import { NoteView } from './views/note.view.js';
import { PublicFormView } from './views/public-form.view.js';
import { ReminderView } from './views/reminder.view.js';
import { SettingsView } from './views/settings.view.js';
import { TimeLogView } from './views/time-log.view.js';
import { TenantView, UserView } from './views/user.view.js';

export type BuildGatewayOptions = {
  config: GatewayConfig;
  /** A pino logger (e.g. createLogger('gateway')); without one the gateway logs nothing. */
  log?: Logger;
};

// A client's own request id is kept when it is a plain token, so one id can follow a call across systems.
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildGateway({ config, log }: BuildGatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log,
    // One access-log line per request, written when it is answered (below), instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Refuse what JSON.parse would let through to do harm later.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    schemaController: { compilersFactory: { buildSerializer: nullableAwareSerializer() } },
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(typeboxValidatorCompiler);
  for (const schema of [
    ErrorResponse,
    UserView,
    TenantView,
    InvitationView,
    SettingsView,
    CustomerView,
    DeviceView,
    ApiKeyView,
    JobView,
    JobTypeView,
    NoteView,
    AttachmentView,
    TimeLogView,
    ReminderView,
    HistoryEntryView,
    ProposalView,
    PublicFormView,
    WorkerPositionView,
    ShiftView,
    TrackView,
  ]) {
    app.addSchema(schema);
  }
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // Probes call every few seconds and say nothing an operator needs.
    if (request.url !== '/livez' && request.url !== '/readyz' && logsRequests(request.log)) {
      request.log.info(
        {
          req: { method: request.method, url: request.url, remoteAddress: request.ip },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request completed',
      );
    }
    done();
  });

  const accounts = createAccountsClients(config.accountsAddr, config.grpcDeadlineMs);
  const jobs = createJobsClients(config.jobsAddr, {
    deadlineMs: config.grpcDeadlineMs,
    streamDeadlineMs: config.grpcStreamDeadlineMs,
  });
  const location = createLocationClients(config.locationAddr, config.grpcDeadlineMs);
  const nats = new NatsLink(config.natsUrl, log);
  const live = new LiveHub({
    connection: () => nats.connection(),
    livePrefix: config.liveSubjectPrefix,
    eventPrefix: config.natsPrefix,
    log,
  });
  app.addHook('onClose', async () => {
    live.close();
    await nats.close();
    accounts.close();
    jobs.close();
    location.close();
  });
  const cache = new CredentialCache();
  const deps: RouteDeps = {
    accounts,
    meBatcher: new MeBatcher(accounts.identity),
    jobs,
    location,
    nats,
    live,
    cache,
    config,
  };

  await app.register(errorHandler);
  await app.register(jsonBody);
  await app.register(security, { corsOrigins: config.corsOrigins });
  await app.register(rateLimits);
  await app.register(openapi);
  await app.register(websocket, {
    // Clients only listen: a message from one is ignored, and a big one is refused outright.
    options: { maxPayload: 4096 },
    // At shutdown every live socket is told to reconnect (elsewhere) instead of being cut.
    preClose: async function (this: FastifyInstance) {
      for (const client of this.websocketServer.clients) {
        client.close(LIVE_CLOSE.goingAway.code, LIVE_CLOSE.goingAway.reason);
      }
    },
  });
  await app.register(authentication, { jwtSecret: config.jwtSecret, identity: accounts.identity, cache });

  for (const routes of [
    healthRoutes,
    authRoutes,
    meRoutes,
    invitationsRoutes,
    usersRoutes,
    settingsRoutes,
    customersRoutes,
    devicesRoutes,
    apiKeysRoutes,
    jobTypesRoutes,
    jobsRoutes,
    jobActivityRoutes,
    publicIntakeRoutes,
    devicePingsRoutes,
    osmandRoutes,
    workerLocationsRoutes,
    liveRoutes,
  ]) {
    await app.register(routes, deps);
  }
  return app;
}

// fastify types its logger without pino's level check; ours is pino (or fastify's silent default).
const logsRequests = (log: FastifyBaseLogger): boolean =>
  (log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('info') ?? true;
