import { describe, expect, it } from '@jest/globals';
import { formatJobNumber } from './job-number.js';

describe('job numbers', () => {
  const at = new Date('2025-12-31T23:30:00Z');

  it('uses the customer code and the sequence', () => {
    expect(formatJobNumber('{code}-TASK-{n}', { customerCode: 'ACME', n: 7, at })).toBe('ACME-TASK-7');
  });

  it('uses JOB when the job has no customer', () => {
    expect(formatJobNumber('{code}-TASK-{n}', { n: 1, at })).toBe('JOB-TASK-1');
  });

  it("puts the year in the tenant's time zone", () => {
    expect(formatJobNumber('{yyyy}/{n}', { n: 3, at, timeZone: 'Europe/Paris' })).toBe('2026/3');
    expect(formatJobNumber('{yyyy}/{n}', { n: 3, at, timeZone: 'UTC' })).toBe('2025/3');
  });

  it('uses the UTC year for a time zone Intl does not know, every time', () => {
    for (let i = 0; i < 2; i++) {
      expect(formatJobNumber('{yyyy}/{n}', { n: 4, at, timeZone: 'Mars/Olympus_Mons' })).toBe('2025/4');
    }
    // A known zone asked for after it still gets its own year.
    expect(formatJobNumber('{yyyy}/{n}', { n: 5, at, timeZone: 'Asia/Tokyo' })).toBe('2026/5');
  });

  it('falls back to the default format when the format has no {n}', () => {
    expect(formatJobNumber('broken', { customerCode: 'X', n: 2, at })).toBe('X-TASK-2');
  });
});
