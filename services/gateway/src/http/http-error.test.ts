// Unit tests of the one mapping from thrown errors to the API's HTTP status and error body.

import { Conflict, DomainError, type ErrorKind, InvalidArgument, NotFound, toGrpcError } from '@fieldline/platform';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from '@jest/globals';
import { dottedPath, HttpError, toHttpFailure, ValidationFailed } from './http-error.js';

// What the gateway's gRPC clients reject with: a ServiceError built from the service's DomainError.
const overGrpc = (err: DomainError) => toGrpcError(err);

describe('toHttpFailure', () => {
  it.each<[ErrorKind, number]>([
    ['invalid_argument', 400],
    ['unauthenticated', 401],
    ['permission_denied', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['failed_precondition', 409],
    ['resource_exhausted', 429],
  ])('maps a downstream %s to %i, keeping its code, message and field', (kind, expected) => {
    const failure = toHttpFailure(overGrpc(new DomainError(kind, 'SOME_CODE', 'what went wrong', 'email')));

    expect(failure.status).toBe(expected);
    expect(failure.body).toEqual({ error: { code: 'SOME_CODE', message: 'what went wrong', field: 'email' } });
  });

  it('answers a file over a tenant limit (resource_exhausted PAYLOAD_TOO_LARGE) with 413, not 429', () => {
    const failure = toHttpFailure(
      overGrpc(new DomainError('resource_exhausted', 'PAYLOAD_TOO_LARGE', 'too big', 'file')),
    );

    expect(failure.status).toBe(413);
    expect(failure.body.error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'too big', field: 'file' });
  });

  it('names the field of an invalid argument and leaves it out when there is none', () => {
    expect(toHttpFailure(overGrpc(new InvalidArgument('sites.0.lat', 'out of range'))).body.error.field).toBe(
      'sites.0.lat',
    );
    expect(toHttpFailure(overGrpc(new NotFound('USER_NOT_FOUND', 'no such user'))).body.error).not.toHaveProperty(
      'field',
    );
    expect(toHttpFailure(overGrpc(new Conflict('STALE_VERSION', 'stale'))).status).toBe(409);
  });

  it('answers 503 for an unreachable service without showing grpc-js connection details', () => {
    const err = Object.assign(new Error('14 UNAVAILABLE'), {
      code: status.UNAVAILABLE,
      details: 'No connection established. Last error: connect ECONNREFUSED 10.0.0.7:50051',
      metadata: undefined,
    });

    const failure = toHttpFailure(err);

    expect(failure.status).toBe(503);
    expect(failure.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(failure.body.error.message).not.toContain('10.0.0.7');
  });

  it('treats a deadline exceeded downstream as unavailable', () => {
    const err = Object.assign(new Error('4 DEADLINE_EXCEEDED'), {
      code: status.DEADLINE_EXCEEDED,
      details: 'Deadline exceeded',
    });

    expect(toHttpFailure(err).status).toBe(503);
  });

  it('hides an INTERNAL downstream error and any unexpected error behind a bare 500', () => {
    const internal = toHttpFailure(overGrpc(new Error('password column missing') as DomainError));
    const thrown = toHttpFailure(new TypeError("Cannot read properties of undefined (reading 'id')"));

    for (const failure of [internal, thrown]) {
      expect(failure).toEqual({
        status: 500,
        body: { error: { code: 'INTERNAL', message: 'internal error' } },
        expected: false,
      });
    }
  });

  it("keeps the gateway's own errors as they are", () => {
    expect(toHttpFailure(new ValidationFailed('name is required', 'name'))).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'name is required', field: 'name' } },
    });
    expect(toHttpFailure(new HttpError(403, 'FORBIDDEN', 'no')).status).toBe(403);
  });

  it.each([
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'PAYLOAD_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'INVALID_JSON'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'INVALID_JSON'],
    ['FST_ERR_BAD_URL', 400, 'BAD_URL'],
  ])('maps fastify %s to %i %s', (code, expected, apiCode) => {
    const err = Object.assign(new Error('x'), { code, statusCode: expected });

    expect(toHttpFailure(err)).toMatchObject({ status: expected, body: { error: { code: apiCode } } });
  });

  it('reads a JSON.parse failure as INVALID_JSON and a rate-limit 429 as RATE_LIMITED', () => {
    expect(toHttpFailure(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 })).body.error.code).toBe(
      'INVALID_JSON',
    );
    expect(toHttpFailure(Object.assign(new Error('slow down'), { statusCode: 429 })).body.error.code).toBe(
      'RATE_LIMITED',
    );
  });
});

describe('dottedPath', () => {
  it('turns the bracketed list indexes services use into the dotted paths of the API', () => {
    expect(dottedPath('sites[0].lat')).toBe('sites.0.lat');
    expect(dottedPath('fields[2].options[10]')).toBe('fields.2.options.10');
    expect(dottedPath('email')).toBe('email');
    expect(dottedPath(undefined)).toBeUndefined();
  });
});
