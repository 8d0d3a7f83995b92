import type { ConfigError } from '@fieldline/platform';
import { describe, expect, it } from '@jest/globals';
import { loadLocationConfig } from './config.js';

describe('location config', () => {
  it('has working defaults', () => {
    expect(loadLocationConfig({})).toMatchObject({
      grpcPort: 50053,
      databaseName: 'fieldline_location',
      natsPrefix: 'fl',
      accountsAddr: '127.0.0.1:50051',
      trackRetentionDays: 30,
      ingestMaxBatch: 5000,
      gapTimeoutSeconds: 300,
      liveSubjectPrefix: 'live',
    });
  });

  it('names every bad variable at once', () => {
    let err: ConfigError | undefined;
    try {
      loadLocationConfig({
        FIELDLINE_GRPC_PORT: 'x',
        FIELDLINE_LOCATION_DATABASE: 'Bad-Name',
        FIELDLINE_ACCOUNTS_ADDR: 'nohost',
        FIELDLINE_TRACK_RETENTION_DAYS: '0',
        FIELDLINE_INGEST_MAX_BATCH: '1000000',
        FIELDLINE_LIVE_SUBJECT_PREFIX: 'live.*',
      });
    } catch (e) {
      err = e as ConfigError;
    }
    const text = err?.problems.join('\n') ?? '';

    for (const name of [
      'FIELDLINE_GRPC_PORT',
      'FIELDLINE_LOCATION_DATABASE',
      'FIELDLINE_ACCOUNTS_ADDR',
      'FIELDLINE_TRACK_RETENTION_DAYS',
      'FIELDLINE_INGEST_MAX_BATCH',
      'FIELDLINE_LIVE_SUBJECT_PREFIX',
    ]) {
      expect(text).toContain(name);
    }
  });
});
