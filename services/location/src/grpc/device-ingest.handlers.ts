// DeviceIngest: phones stream pings (one per message, or batches) with their device token; acks come back per flush.
import { type Logger, toGrpcError } from '@fieldline/platform';
import type { location } from '@fieldline/proto';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { bearerToken } from '../ingest/device-auth.js';
import { pingFromProto } from '../ingest/ping-from-proto.js';
import { PingStream } from '../ingest/ping-stream.js';
import type { LocationDeps } from './deps.js';

function open<In>(
  call: ServerDuplexStream<In, location.PingAck>,
  deps: LocationDeps,
  unpack: (m: In) => location.Ping[],
  log: Logger,
): void {
  // Nothing is read until the token is resolved: the stream buffers (and HTTP/2 flow control holds the phone).
  call.pause();
  let token: string;
  try {
    token = bearerToken(call.metadata);
  } catch (err) {
    call.emit('error', toGrpcError(err));
    return;
  }
  deps.deviceAuth.authenticate(token).then(
    (principal) => {
      new PingStream(call, principal, token, unpack, pingFromProto, {
        pipeline: deps.pipeline,
        deviceAuth: deps.deviceAuth,
        maxBatch: deps.maxBatch,
        log,
        now: () => deps.clock().getTime(),
        registry: deps.streams,
      });
      call.resume();
    },
    (err: unknown) => call.emit('error', toGrpcError(err)),
  );
}

export function deviceIngestHandlers(deps: LocationDeps): location.DeviceIngestServer {
  const log = deps.log;
  return {
    streamPings: (call) => open(call, deps, (m) => [m], log),
    streamPingBatches: (call) => open(call, deps, (m) => m.pings, log),
  };
}
