// The gateway's one catalogue of HTTP errors and the one mapping from anything thrown to the API's error shape.
import { type DomainError, type ErrorKind, fromGrpcError } from '@fieldline/platform';

/** The body every error response has: `{"error": {"code", "message", "field"}}` (API.md). */
export type ErrorBody = { error: { code: string; message: string; field?: string } };

/** An error raised by the gateway itself (authentication, authorization, validation). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class ValidationFailed extends HttpError {
  constructor(message: string, field?: string) {
    super(400, 'VALIDATION_FAILED', message, field);
  }
}

export const unauthenticated = (message = 'missing or invalid credentials') =>
  new HttpError(401, 'UNAUTHENTICATED', message);

export const forbidden = (message = 'you are not allowed to do this') => new HttpError(403, 'FORBIDDEN', message);

// conflict and failed_precondition both mean "the state does not allow it": 409 for either (API.md).
export const httpStatusOfKind: Record<ErrorKind, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  conflict: 409,
  failed_precondition: 409,
  resource_exhausted: 429,
  unavailable: 503,
};

// Service codes whose HTTP status is more precise than their kind's: a file over a tenant's limit is
// resource_exhausted in gRPC, and 413 (not 429) to a client.
const statusOfCode: Record<string, number> = { PAYLOAD_TOO_LARGE: 413 };

// fastify's own errors for requests it cannot even parse; each is the client's fault, never a 500.
const fastifyCodes: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'the JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'the body is not valid JSON' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', message: 'the URL cannot be decoded' },
  FST_ERR_VALIDATION: { status: 400, code: 'VALIDATION_FAILED' },
  // @fastify/multipart's, should one escape the upload route's own handling.
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the file is too large' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'send multipart/form-data',
  },
  FST_PARTS_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'too many parts in the form' },
  FST_FILES_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'too many files in the form' },
  FST_FIELDS_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'too many fields in the form' },
  FST_PROTO_VIOLATION: { status: 400, code: 'INVALID_FORM', message: 'a form field has a forbidden name' },
};

export type HttpFailure = { status: number; body: ErrorBody; expected: boolean };

const failure = (status: number, code: string, message: string, field?: string): HttpFailure => ({
  status,
  body: { error: field ? { code, message, field } : { code, message } },
  expected: true,
});

/** Anything thrown while serving a request, as the status and body the client sees. Unknown errors say nothing. */
export function toHttpFailure(err: unknown): HttpFailure {
  if (err instanceof HttpError) return failure(err.statusCode, err.code, err.message, err.field);
  const domain: DomainError | undefined = fromGrpcError(err);
  if (domain?.kind === 'unavailable') {
    // grpc-js puts connection details (addresses, resolver notes) in the message: logged, never shown.
    return failure(503, 'SERVICE_UNAVAILABLE', 'a service this request needs is unavailable; retry shortly');
  }
  if (domain) {
    const status = statusOfCode[domain.code] ?? httpStatusOfKind[domain.kind];
    return failure(status, domain.code, domain.message, dottedPath(domain.field));
  }
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
    const known = typeof e.code === 'string' ? fastifyCodes[e.code] : undefined;
    if (known) return failure(known.status, known.code, known.message ?? String(e.message));
    // JSON.parse failures from the body parser arrive as a SyntaxError carrying status 400.
    if (err instanceof SyntaxError && e.statusCode === 400)
      return failure(400, 'INVALID_JSON', 'the body is not valid JSON');
    if (e.statusCode === 429) return failure(429, 'RATE_LIMITED', 'too many requests: retry later');
    // Other 4xx raised by fastify or a plugin are the client's fault: keep their status, not their internals.
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return failure(e.statusCode, 'BAD_REQUEST', typeof e.message === 'string' ? e.message : 'bad request');
    }
  }
  return { ...failure(500, 'INTERNAL', 'internal error'), expected: false };
}

/** Services name list items with brackets (`sites[0].lat`); the API names every field as a dotted path (`sites.0.lat`). */
export function dottedPath(field: string | undefined): string | undefined {
  return field?.replace(/\[(\d+)\]/g, '.$1');
}
