import type { ConfigError } from '@fieldline/platform';
import { describe, expect, it } from '@jest/globals';
import { loadJobsConfig } from './config.js';

describe('jobs config', () => {
  it('has working defaults', () => {
    expect(loadJobsConfig({})).toMatchObject({
      grpcPort: 50052,
      databaseName: 'fieldline_jobs',
      accountsAddr: '127.0.0.1:50051',
      locationAddr: '',
      delayCheckIntervalMs: 30_000,
      reminderIntervalMs: 5_000,
      blobDriver: 'local',
      blobDir: 'var/blobs',
    });
  });

  it('reads the reminder interval, and refuses one under 100 ms or not a number', () => {
    const problemsOf = (value: string) => {
      try {
        loadJobsConfig({ FIELDLINE_REMINDER_INTERVAL_MS: value });
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
      return '';
    };

    expect(loadJobsConfig({ FIELDLINE_REMINDER_INTERVAL_MS: '250' }).reminderIntervalMs).toBe(250);
    expect(problemsOf('99')).toContain('FIELDLINE_REMINDER_INTERVAL_MS');
    expect(problemsOf('soon')).toContain('FIELDLINE_REMINDER_INTERVAL_MS');
  });

  it('names every bad variable at once', () => {
    let err: ConfigError | undefined;
    try {
      loadJobsConfig({
        FIELDLINE_GRPC_PORT: 'x',
        FIELDLINE_BLOB_DRIVER: 's3',
        FIELDLINE_ACCOUNTS_ADDR: 'nohost',
        FIELDLINE_JOBS_DATABASE: 'Bad-Name',
      });
    } catch (e) {
      err = e as ConfigError;
    }
    const text = err?.problems.join('\n') ?? '';

    for (const name of [
      'FIELDLINE_GRPC_PORT',
      'FIELDLINE_S3_BUCKET',
      'FIELDLINE_S3_ACCESS_KEY_ID',
      'FIELDLINE_ACCOUNTS_ADDR',
      'FIELDLINE_JOBS_DATABASE',
    ]) {
      expect(text).toContain(name);
    }
  });
});
