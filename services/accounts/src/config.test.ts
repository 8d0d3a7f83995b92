// Unit tests of the accounts configuration: defaults, and every problem named at once.

import { ConfigError } from '@fieldline/platform';
import { describe, expect, it } from '@jest/globals';
import { loadAccountsConfig } from './config.js';

const secret = 'x'.repeat(32);

describe('loadAccountsConfig', () => {
  it('needs only a JWT secret; everything else has a default', () => {
    expect(loadAccountsConfig({ FIELDLINE_JWT_SECRET: secret })).toEqual({
      grpcPort: 50051,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      databaseName: 'fieldline_accounts',
      natsUrl: 'nats://127.0.0.1:4222',
      natsPrefix: 'fl',
      jwtSecret: secret,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 30,
      invitationTtlHours: 72,
    });
  });

  it('lists every bad variable by name in one error', () => {
    let error: unknown;
    try {
      loadAccountsConfig({
        FIELDLINE_JWT_SECRET: 'too-short',
        FIELDLINE_GRPC_PORT: 'eighty',
        FIELDLINE_INVITATION_TTL_HOURS: '1000',
        FIELDLINE_ACCOUNTS_DATABASE: 'Bad-Name',
      });
    } catch (err) {
      error = err;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'FIELDLINE_JWT_SECRET',
      'FIELDLINE_GRPC_PORT',
      'FIELDLINE_INVITATION_TTL_HOURS',
      'FIELDLINE_ACCOUNTS_DATABASE',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('refuses a missing secret', () => {
    expect(() => loadAccountsConfig({})).toThrow(/FIELDLINE_JWT_SECRET: required/);
  });
});
