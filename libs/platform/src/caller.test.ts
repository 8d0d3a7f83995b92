import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from '@jest/globals';
import { type Caller, callerFromMetadata, callerToMetadata, requireCaller } from './caller.js';

describe('caller metadata', () => {
  it('round-trips a caller', () => {
    const caller: Caller = { kind: 'user', tenantId: 'ten_1', userId: 'usr_1', role: 'client', customerId: 'cus_1' };

    expect(callerFromMetadata(callerToMetadata(caller))).toEqual({
      ...caller,
      deviceId: undefined,
      apiKeyId: undefined,
    });
  });

  it('treats a call without a full caller, or with an unknown role, as anonymous', () => {
    const md = new Metadata();
    md.set('x-fl-tenant-id', 'ten_1');
    md.set('x-fl-user-id', 'usr_1');
    md.set('x-fl-role', 'superuser');

    expect(callerFromMetadata(md)).toBeUndefined();
    expect(() => requireCaller(md)).toThrow('needs a caller');
  });
});
