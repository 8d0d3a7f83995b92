// gRPC server helper: grpc.health.v1, one error → status mapping, caller from metadata, and a
// shutdown that stops taking calls, drains the ones in flight, then forces after a grace period.
import {
  type handleUnaryCall,
  type Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { type Caller, callerFromMetadata, requireCaller } from './caller.js';
import { DomainError, toGrpcError } from './errors.js';
import type { Logger } from './logger.js';

export interface CallContext {
  metadata: Metadata;
  /** The caller set by the gateway; throws UNAUTHENTICATED when the call carries none. */
  caller(): Caller;
  /** The caller when there is one (public calls have none). */
  optionalCaller(): Caller | undefined;
  deadline: Date | number | undefined;
  log: Logger;
}

export type UnaryHandler<Req, Res> = (req: Req, ctx: CallContext) => Promise<Res>;

export interface GrpcService {
  /** Fully-qualified name, e.g. fieldline.accounts.v1.UsersService (reported by the health service). */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

/** Wraps an async handler: caller context in, DomainError → status out, unexpected errors logged once. */
export function unary<Req, Res>(log: Logger, handler: UnaryHandler<Req, Res>): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback) => {
    const ctx: CallContext = {
      metadata: call.metadata,
      caller: () => requireCaller(call.metadata),
      optionalCaller: () => callerFromMetadata(call.metadata),
      deadline: call.getDeadline(),
      log,
    };
    handler(call.request, ctx).then(
      (res) => callback(null, res),
      (err: unknown) => {
        if (!(err instanceof DomainError))
          log.error({ err, method: call.getPath() }, 'unexpected error in gRPC handler');
        callback(toGrpcError(err));
      },
    );
  };
}

export interface RunningGrpcServer {
  port: number;
  server: Server;
  health: HealthImplementation;
  /** Marks NOT_SERVING, drains in-flight calls, forces the rest after graceMs. */
  shutdown(graceMs?: number): Promise<void>;
}

export async function startGrpcServer(opts: {
  host?: string;
  port: number;
  services: GrpcService[];
  log: Logger;
}): Promise<RunningGrpcServer> {
  const server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 });
  const health = new HealthImplementation({ '': 'SERVING' });
  for (const svc of opts.services) {
    server.addService(svc.definition, svc.implementation);
    health.setStatus(svc.name, 'SERVING');
  }
  health.addToServer(server);
  const host = opts.host ?? '0.0.0.0';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  opts.log.info({ port, services: opts.services.map((s) => s.name) }, 'gRPC server listening');

  let closing: Promise<void> | undefined;
  const shutdown = (graceMs = 10_000) => {
    closing ??= new Promise<void>((resolve) => {
      health.setStatus('', 'NOT_SERVING');
      for (const svc of opts.services) health.setStatus(svc.name, 'NOT_SERVING');
      const force = setTimeout(() => {
        opts.log.warn('gRPC drain timed out; forcing shutdown');
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return closing;
  };
  return { port, server, health, shutdown };
}
