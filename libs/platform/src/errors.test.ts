import { status } from '@grpc/grpc-js';
import { describe, expect, it } from '@jest/globals';
import { Conflict, DomainError, fromGrpcError, InvalidArgument, NotFound, toGrpcError } from './errors.js';

describe('error mapping', () => {
  it('carries code and field across the gRPC boundary', () => {
    const wire = toGrpcError(new InvalidArgument('dueAt', 'dueAt must be after startAt', 'DUE_BEFORE_START'));

    expect(wire.code).toBe(status.INVALID_ARGUMENT);
    const back = fromGrpcError(wire);
    expect(back).toBeInstanceOf(DomainError);
    expect(back).toMatchObject({ kind: 'invalid_argument', code: 'DUE_BEFORE_START', field: 'dueAt' });
    expect(back?.message).toBe('dueAt must be after startAt');
  });

  it('maps each kind to its status', () => {
    expect(toGrpcError(new NotFound('USER_NOT_FOUND', 'no such user')).code).toBe(status.NOT_FOUND);
    expect(toGrpcError(new Conflict('STALE_VERSION', 'stale')).code).toBe(status.ABORTED);
  });

  it('hides unexpected errors behind INTERNAL', () => {
    const wire = toGrpcError(new Error('password=hunter2 in a stack trace'));

    expect(wire.code).toBe(status.INTERNAL);
    expect(wire.details).toBe('internal error');
    expect(fromGrpcError(wire)).toBeUndefined();
  });
});
