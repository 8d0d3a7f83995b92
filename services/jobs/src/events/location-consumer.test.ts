import { buildEnvelope } from '@fieldline/platform';
import { locationEvents } from '@fieldline/proto';
import { describe, expect, it } from '@jest/globals';
import { jobOf } from './location-consumer.js';

const PAYLOAD_TYPE = `${locationEvents.protobufPackage}.WorkerSiteEvent`;

function envelope(type: string, jobId: string, payloadType = PAYLOAD_TYPE) {
  const payload = locationEvents.WorkerSiteEvent.encode(
    locationEvents.WorkerSiteEvent.fromPartial({ workerId: 'usr_1', fenceId: `job:${jobId}`, jobId }),
  ).finish();
  return buildEnvelope({ type, tenantId: 't_1', producer: 'location', payloadType, payload });
}

describe('the order key of location events', () => {
  it('keeps one job’s arrivals and departures in one line', () => {
    expect(jobOf(envelope('worker_arrived', 'job_1'))).toBe('job_1');
    expect(jobOf(envelope('worker_departed', 'job_1'))).toBe('job_1');
  });

  it('puts events that are not about a job, or not readable as one, in the common line', () => {
    expect(jobOf(envelope('worker_arrived', ''))).toBe('');
    expect(jobOf(envelope('position_moved', 'job_1'))).toBe('');
    expect(jobOf(envelope('worker_arrived', 'job_1', 'other.Payload'))).toBe('');
  });
});
