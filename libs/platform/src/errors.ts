// Typed errors every service throws, and their one mapping to gRPC status (HTTP is mapped from that in the gateway).
import { Metadata, status } from '@grpc/grpc-js';

export type ErrorKind =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'permission_denied'
  | 'not_found'
  | 'conflict'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'unavailable';

/** Base of every expected error: a stable code (e.g. USER_NOT_FOUND), a kind, and optionally the field at fault. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidArgument extends DomainError {
  constructor(field: string, message: string, code = 'INVALID_ARGUMENT') {
    super('invalid_argument', code, message, field);
  }
}

export class NotFound extends DomainError {
  constructor(code: string, message: string) {
    super('not_found', code, message);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string, field?: string) {
    super('conflict', code, message, field);
  }
}

export class FailedPrecondition extends DomainError {
  constructor(code: string, message: string, field?: string) {
    super('failed_precondition', code, message, field);
  }
}

export class PermissionDenied extends DomainError {
  constructor(message = 'you are not allowed to do this', code = 'FORBIDDEN') {
    super('permission_denied', code, message);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'missing or invalid credentials', code = 'UNAUTHENTICATED') {
    super('unauthenticated', code, message);
  }
}

const grpcStatusOf: Record<ErrorKind, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  unauthenticated: status.UNAUTHENTICATED,
  permission_denied: status.PERMISSION_DENIED,
  not_found: status.NOT_FOUND,
  conflict: status.ABORTED,
  failed_precondition: status.FAILED_PRECONDITION,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
};

const kindOfGrpcStatus = new Map<number, ErrorKind>(
  Object.entries(grpcStatusOf).map(([kind, code]) => [code, kind as ErrorKind]),
);
kindOfGrpcStatus.set(status.ALREADY_EXISTS, 'conflict');
kindOfGrpcStatus.set(status.DEADLINE_EXCEEDED, 'unavailable');

export const ERROR_CODE_KEY = 'fl-error-code';
export const ERROR_FIELD_KEY = 'fl-error-field';

export interface GrpcErrorLike {
  code: number;
  details: string;
  metadata: Metadata;
}

/** A DomainError as a grpc-js ServiceError; anything else becomes INTERNAL without leaking its message. */
export function toGrpcError(err: unknown): GrpcErrorLike & Error {
  const metadata = new Metadata();
  if (err instanceof DomainError) {
    metadata.set(ERROR_CODE_KEY, err.code);
    if (err.field) metadata.set(ERROR_FIELD_KEY, err.field);
    return Object.assign(new Error(err.message), { code: grpcStatusOf[err.kind], details: err.message, metadata });
  }
  metadata.set(ERROR_CODE_KEY, 'INTERNAL');
  return Object.assign(new Error('internal error'), { code: status.INTERNAL, details: 'internal error', metadata });
}

/** The DomainError a gRPC client received, or undefined when the failure is not an expected one. */
export function fromGrpcError(err: unknown): DomainError | undefined {
  if (!err || typeof err !== 'object' || !('code' in err) || typeof err.code !== 'number') return undefined;
  const e = err as Partial<GrpcErrorLike>;
  const kind = kindOfGrpcStatus.get(e.code!);
  if (!kind) return undefined;
  const code = e.metadata?.get(ERROR_CODE_KEY)[0]?.toString() ?? defaultCode(kind);
  const field = e.metadata?.get(ERROR_FIELD_KEY)[0]?.toString();
  return new DomainError(kind, code, e.details ?? code, field || undefined);
}

function defaultCode(kind: ErrorKind): string {
  return kind === 'unavailable' ? 'SERVICE_UNAVAILABLE' : kind.toUpperCase();
}
