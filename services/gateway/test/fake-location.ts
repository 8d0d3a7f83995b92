// A stand-in location gRPC server for gateway tests: records every call (method, request, caller) and answers
// IngestPings by counting the pings, rejecting a latitude beyond 90 the way the real service names it.
import { type Caller, createLogger, type RunningGrpcServer, startGrpcServer, unary } from '@fieldline/platform';
import { location } from '@fieldline/proto';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';

export type RecordedLocationCall = { method: string; request: unknown; caller: Caller | undefined };

export type FakeLocation = {
  address: string;
  calls: RecordedLocationCall[];
  callsOf(method: string): RecordedLocationCall[];
  reset(): void;
  stop(): Promise<void>;
};

export async function startFakeLocation(): Promise<FakeLocation> {
  const log = createLogger('fake-location', 'silent');
  const calls: RecordedLocationCall[] = [];
  const impl: Partial<location.LocationServiceServer> = {
    ingestPings: unary(log, async (req: location.IngestPingsRequest, ctx) => {
      calls.push({ method: 'ingestPings', request: req, caller: ctx.optionalCaller() });
      const rejected = req.pings
        .filter((p) => Math.abs(p.lat) > 90)
        .map((p) => ({ seq: p.seq, field: 'lat', reason: 'lat out of range (−90..90)' }));
      return { accepted: req.pings.length - rejected.length, duplicates: 0, rejected };
    }),
  };
  const server: RunningGrpcServer = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    log,
    services: [
      {
        name: `${location.protobufPackage}.LocationService`,
        definition: location.LocationServiceService,
        implementation: impl as UntypedServiceImplementation,
      },
    ],
  });
  return {
    address: `127.0.0.1:${server.port}`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    reset: () => {
      calls.length = 0;
    },
    stop: () => server.shutdown(100),
  };
}
