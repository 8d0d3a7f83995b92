// Typed promise wrapper over ts-proto grpc-js clients: every call carries a deadline and the caller.
import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientOptions,
  type ClientUnaryCall,
  credentials,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { type Caller, callerToMetadata } from './caller.js';

export interface CallOpts {
  caller?: Caller;
  /** Milliseconds; every call has a deadline (default from the client, 5 s). */
  deadlineMs?: number;
  metadata?: Metadata;
}

type UnaryMethod<Req, Res> = (
  req: Req,
  md: Metadata,
  options: Partial<CallOptions>,
  cb: (err: ServiceError | null, res: Res) => void,
) => ClientUnaryCall;

/** The unary methods of a generated client, as `(req, opts?) => Promise<res>`. */
export type PromiseClient<C> = {
  [K in keyof C as C[K] extends UnaryMethod<never, unknown> ? K : never]: C[K] extends UnaryMethod<infer Req, infer Res>
    ? (req: Req, opts?: CallOpts) => Promise<Res>
    : never;
} & { close(): void };

type ClientConstructor<C> = new (address: string, creds: ChannelCredentials, options?: Partial<ClientOptions>) => C;

export function createGrpcClient<C extends Client>(
  Ctor: ClientConstructor<C>,
  address: string,
  defaults: { deadlineMs?: number } = {},
): PromiseClient<C> {
  const client = new Ctor(address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
  });
  const defaultDeadline = defaults.deadlineMs ?? 5_000;
  const cache = new Map<string | symbol, unknown>();
  return new Proxy({} as PromiseClient<C>, {
    get(_target, prop) {
      if (prop === 'close') return () => client.close();
      if (prop === 'then') return undefined; // not a thenable
      if (!cache.has(prop)) {
        const method = (client as unknown as Record<string | symbol, UnaryMethod<unknown, unknown>>)[prop];
        if (typeof method !== 'function') return undefined;
        cache.set(
          prop,
          (req: unknown, opts: CallOpts = {}) =>
            new Promise((resolve, reject) => {
              const md = opts.metadata ?? new Metadata();
              if (opts.caller) callerToMetadata(opts.caller, md);
              const deadline = Date.now() + (opts.deadlineMs ?? defaultDeadline);
              method.call(client, req, md, { deadline }, (err, res) => (err ? reject(err) : resolve(res)));
            }),
        );
      }
      return cache.get(prop);
    },
  });
}
