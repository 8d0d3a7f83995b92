// Probes: /livez says the process answers; /readyz says the services it depends on answer too.
import { status } from '@grpc/grpc-js';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './route-deps.js';

// A probe must answer before the kubelet's timeout (1 s by default) even when a service hangs.
const READY_CHECK_DEADLINE_MS = 800;

const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Type.String(), {
    description: 'downstream → SERVING, NOT_SERVING or the failure',
  }),
});

export async function healthRoutes(app: FastifyInstance, { accounts, jobs, location, nats }: RouteDeps) {
  app.get(
    '/livez',
    {
      config: { public: true },
      schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Ready, 503: Ready } } },
    async (_request, reply) => {
      // Only the gRPC status name: the details carry internal addresses this public probe must not show.
      const probe = (check: (ms: number) => Promise<string>) =>
        check(READY_CHECK_DEADLINE_MS).catch(
          (err: { code?: number }) => `unreachable (${status[err.code ?? status.UNKNOWN] ?? 'UNKNOWN'})`,
        );
      const [accountsStatus, jobsStatus, locationStatus, natsStatus] = await Promise.all([
        probe(accounts.health),
        probe(jobs.health),
        probe(location.health),
        // The live feed's connection (opened by this probe if no socket has yet).
        nats.health(READY_CHECK_DEADLINE_MS),
      ]);
      const checks = { accounts: accountsStatus, jobs: jobsStatus, location: locationStatus, nats: natsStatus };
      const ready = Object.values(checks).every((s) => s === 'SERVING');
      reply.code(ready ? 200 : 503);
      return { status: ready ? ('ready' as const) : ('unavailable' as const), checks };
    },
  );
}
