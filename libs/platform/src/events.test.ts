import { describe, expect, it } from '@jest/globals';
import {
  buildEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  eventFilter,
  eventPrefix,
  eventSubject,
  InvalidEnvelope,
} from './events.js';

describe('event subjects', () => {
  it('puts prefix, tenant, producer and type in that order', () => {
    expect(eventSubject({ tenantId: 't_42', producer: 'jobs', type: 'job_completed' })).toBe(
      'fl.t_42.jobs.job_completed',
    );
    expect(eventSubject({ prefix: 'tab12cd34', tenantId: 't_42', producer: 'jobs', type: 'job_completed' })).toBe(
      'tab12cd34.t_42.jobs.job_completed',
    );
  });

  it('refuses a tenant id that would widen or split the subject', () => {
    for (const tenantId of ['t.1', '*', '>', 't 1', ''])
      expect(() => eventSubject({ tenantId, producer: 'jobs', type: 'x' })).toThrow(
        /tenant id .* not a valid subject token/,
      );
    expect(() => eventPrefix('fl.>')).toThrow(/not a valid subject prefix/);
  });

  it('builds filters with wildcards for the parts left out', () => {
    expect(eventFilter({ producer: 'jobs' })).toBe('fl.*.jobs.*');
    expect(eventFilter({ prefix: 'x', tenantId: 't_1', type: 'job_completed' })).toBe('x.t_1.*.job_completed');
  });
});

describe('event envelope', () => {
  const event = {
    type: 'job_completed',
    tenantId: 't_42',
    producer: 'jobs',
    payloadType: 'fieldline.jobs.v1.JobCompleted',
    payload: new Uint8Array([1, 2, 3]),
    traceContext: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  };

  it('gets a sortable evt_ id and survives encoding', () => {
    const first = buildEnvelope(event);
    const second = buildEnvelope(event);

    const decoded = decodeEnvelope(encodeEnvelope(first));

    expect(first.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(second.id > first.id).toBe(true);
    expect(decoded).toEqual(first);
    expect([...decoded.payload]).toEqual([1, 2, 3]);
  });

  it('calls bytes that are not an envelope, or one without id, type or tenant, invalid', () => {
    const noTenant = { ...buildEnvelope(event), tenantId: '', type: '' };

    expect(() => decodeEnvelope(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(InvalidEnvelope);
    expect(() => decodeEnvelope(encodeEnvelope(noTenant))).toThrow('event envelope lacks type, tenantId');
  });
});
