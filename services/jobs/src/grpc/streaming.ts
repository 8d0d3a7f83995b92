// Streaming gRPC handlers (the platform's unary() covers unary calls only): the caller context in, DomainErrors
// mapped to gRPC status out, and a write that waits for the client to drain.
import {
  type CallContext,
  type Caller,
  callerFromMetadata,
  DomainError,
  type Logger,
  requireCaller,
  toGrpcError,
} from '@fieldline/platform';
import type {
  handleClientStreamingCall,
  handleServerStreamingCall,
  Metadata,
  ServerReadableStream,
  ServerWritableStream,
} from '@grpc/grpc-js';

function contextOf(call: { metadata: Metadata; getDeadline(): Date | number }, log: Logger): CallContext {
  const ctx: CallContext = {
    metadata: call.metadata,
    caller: (): Caller => requireCaller(call.metadata),
    optionalCaller: () => callerFromMetadata(call.metadata),
    deadline: call.getDeadline(),
    log,
  };
  return ctx;
}

function logUnexpected(log: Logger, err: unknown, path: string) {
  if (!(err instanceof DomainError)) log.error({ err, method: path }, 'unexpected error in gRPC handler');
}

/** A client-streaming handler: the caller context in, the response or a mapped DomainError out. */
export function clientStreaming<Req, Res>(
  log: Logger,
  handler: (call: ServerReadableStream<Req, Res>, ctx: CallContext) => Promise<Res>,
): handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    handler(call, contextOf(call, log)).then(
      (res) => callback(null, res),
      (err: unknown) => {
        logUnexpected(log, err, call.getPath());
        callback(toGrpcError(err));
      },
    );
  };
}

/** A server-streaming handler: writes its messages, then ends the call OK or with the mapped error. */
export function serverStreaming<Req, Res>(
  log: Logger,
  handler: (call: ServerWritableStream<Req, Res>, ctx: CallContext) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    handler(call, contextOf(call, log)).then(
      () => call.end(),
      (err: unknown) => {
        logUnexpected(log, err, call.getPath());
        if (!call.cancelled) call.emit('error', toGrpcError(err));
      },
    );
  };
}

/** Writes one message, waiting for the client to drain when the buffer is full (or for the call to end). */
export async function writeMessage<Res>(call: ServerWritableStream<unknown, Res>, message: Res): Promise<void> {
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
  });
}
