// Geofence auto-logging from the location service's events: real worker_arrived / worker_departed envelopes
// published to JetStream on the test prefix, consumed by the jobs service → in_progress, then a geofence time log
// with the device times; a redelivery applied once; refusals (auto-logging off, closed job, worker not on the
// job, departure before arrival) acknowledged without any change and never parked in the dead-letter stream.

import { buildEnvelope, dlqStreamName, encodeEnvelope, eventSubject, eventsStreamName } from '@fieldline/platform';
import { jobs, locationEvents } from '@fieldline/proto';
import { testNatsUrl, waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { LOCATION_ACTOR, LOCATION_CONSUMER } from '../src/events/location-consumer.js';
import { type Activity, activityReq as req, startActivity, type Tenant } from './activity-harness.js';

let h: Activity;
let t: Tenant;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  h = await startActivity('location_events');
  t = await h.newTenant();
  nc = await connect({ servers: await testNatsUrl(), name: 'jobs-test-location' });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await h?.stop();
});

const hoursAgo = (n: number) => new Date(Date.now() - n * 3_600_000);
const prefix = () => h.harness.prefix;

/** A location event as the location service's outbox writes it: envelope bytes with a WorkerSiteEvent payload. */
function siteEvent(
  tenant: Tenant,
  type: 'worker_arrived' | 'worker_departed',
  fields: { jobId: string; workerId?: string; at: Date },
) {
  const payload = locationEvents.WorkerSiteEvent.encode(
    locationEvents.WorkerSiteEvent.fromPartial({
      workerId: fields.workerId ?? tenant.worker.userId,
      deviceId: 'dev_phone_1',
      fenceId: `job:${fields.jobId}`,
      jobId: fields.jobId,
      customerId: tenant.customer.id,
      at: fields.at,
      lat: 52.37,
      lng: 4.89,
    }),
  ).finish();
  const envelope = buildEnvelope({
    type,
    tenantId: tenant.tenantId,
    producer: 'location',
    payloadType: `${locationEvents.protobufPackage}.WorkerSiteEvent`,
    payload,
  });
  return { envelope, bytes: encodeEnvelope(envelope) };
}

/** Publishes on the location subject; returns the stream sequence. */
async function publish(tenant: Tenant, event: ReturnType<typeof siteEvent>): Promise<number> {
  const subject = eventSubject({
    prefix: prefix(),
    tenantId: tenant.tenantId,
    producer: 'location',
    type: event.envelope.type,
  });
  return (await js.publish(subject, event.bytes)).seq;
}

/** Waits until the jobs consumer has acknowledged everything up to `seq` (so a no-op can be asserted). */
async function consumedUpTo(seq: number): Promise<void> {
  await waitFor(
    async () => {
      const info = await jsm.consumers.info(eventsStreamName(prefix()), LOCATION_CONSUMER);
      return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0;
    },
    { what: `the location consumer to acknowledge stream sequence ${seq}`, timeoutMs: 15_000 },
  );
}

const getJob = (tenant: Tenant, id: string) => h.jobs.jobs.getJob({ id }, { caller: tenant.dispatcher });
const timeLogs = async (tenant: Tenant, jobId: string) =>
  (await h.jobs.activity.listTimeLogs({ jobId }, { caller: tenant.dispatcher })).timeLogs;
const parked = async () => (await jsm.streams.info(dlqStreamName(prefix()))).state.messages;

describe('location events', () => {
  it('moves the job to in_progress on arrival and logs the visit with the device times on departure', async () => {
    const job = await h.newJob(t);
    const arrivedAt = hoursAgo(2);
    const departedAt = hoursAgo(0.5);

    await publish(t, siteEvent(t, 'worker_arrived', { jobId: job.id, at: arrivedAt }));
    const moved = await waitFor(async () => {
      const current = await getJob(t, job.id);
      return current.status === 'in_progress' ? current : undefined;
    });
    await publish(t, siteEvent(t, 'worker_departed', { jobId: job.id, at: departedAt }));
    const [log] = await waitFor(async () => {
      const logs = await timeLogs(t, job.id);
      return logs.length > 0 ? logs : undefined;
    });

    expect(job.status).toBe('assigned');
    expect(moved.status).toBe('in_progress');
    expect(log).toMatchObject({
      workerId: t.worker.userId,
      source: 'geofence',
      startedAt: arrivedAt,
      endedAt: departedAt,
      createdBy: LOCATION_ACTOR,
    });
    expect(log!.hours).toBeCloseTo(1.5, 6);
  });

  it('applies a redelivered arrival and departure once', async () => {
    const job = await h.newJob(t);
    const arrival = siteEvent(t, 'worker_arrived', { jobId: job.id, at: hoursAgo(3) });
    const departure = siteEvent(t, 'worker_departed', { jobId: job.id, at: hoursAgo(1) });

    for (const event of [arrival, arrival, departure, departure, arrival]) await publish(t, event);
    await consumedUpTo(await publish(t, departure));
    const history = await h.jobs.jobs.getJobHistory({ id: job.id }, { caller: t.dispatcher });

    expect(await timeLogs(t, job.id)).toHaveLength(1);
    expect(history.entries.filter((e) => e.toStatus === 'in_progress')).toHaveLength(1);
    expect(history.entries.filter((e) => e.kind === 'time_logged')).toHaveLength(1);
    expect(await parked()).toBe(0);
  });

  it('answers RecordSiteVisit with the same event id as a duplicate once the event has been consumed', async () => {
    const job = await h.newJob(t);
    const arrival = siteEvent(t, 'worker_arrived', { jobId: job.id, at: hoursAgo(1) });
    await consumedUpTo(await publish(t, arrival));

    const res = await h.jobs.activity.recordSiteVisit(
      req.siteVisit({
        jobId: job.id,
        workerId: t.worker.userId,
        kind: 'arrived',
        at: hoursAgo(1),
        eventId: arrival.envelope.id,
      }),
      { caller: t.dispatcher },
    );

    expect(res.outcome).toBe('duplicate');
    expect(res.job?.status).toBe('in_progress');
  });

  it('does nothing while the tenant has auto-logging off', async () => {
    const quiet = await h.newTenant('Quiet Plumbing');
    await quiet.base.settings({ autoLoggingEnabled: false });
    const job = await h.newJob(quiet);

    await publish(quiet, siteEvent(quiet, 'worker_arrived', { jobId: job.id, at: hoursAgo(2) }));
    await consumedUpTo(await publish(quiet, siteEvent(quiet, 'worker_departed', { jobId: job.id, at: hoursAgo(1) })));

    expect((await getJob(quiet, job.id)).status).toBe('assigned');
    expect(await timeLogs(quiet, job.id)).toEqual([]);
    expect(await parked()).toBe(0);
  });

  it('ignores arrivals on a cancelled job and of a worker not on the job, without retrying them', async () => {
    const cancelled = await h.newJob(t);
    await h.jobs.jobs.transitionJob(jobs.TransitionJobRequest.fromPartial({ id: cancelled.id, to: 'cancelled' }), {
      caller: t.dispatcher,
    });
    const open = await h.newJob(t);

    await publish(t, siteEvent(t, 'worker_arrived', { jobId: cancelled.id, at: hoursAgo(1) }));
    await publish(t, siteEvent(t, 'worker_arrived', { jobId: open.id, workerId: t.outsider.userId, at: hoursAgo(1) }));
    await consumedUpTo(await publish(t, siteEvent(t, 'worker_arrived', { jobId: 'job_unknown', at: hoursAgo(1) })));

    expect((await getJob(t, cancelled.id)).status).toBe('cancelled');
    expect((await getJob(t, open.id)).status).toBe('assigned');
    expect(await parked()).toBe(0);
  });

  it('refuses a departure before its arrival without retrying it, and takes the real departure after', async () => {
    const job = await h.newJob(t);
    await publish(t, siteEvent(t, 'worker_arrived', { jobId: job.id, at: hoursAgo(2) }));

    await consumedUpTo(await publish(t, siteEvent(t, 'worker_departed', { jobId: job.id, at: hoursAgo(3) })));
    const none = await timeLogs(t, job.id);
    await consumedUpTo(await publish(t, siteEvent(t, 'worker_departed', { jobId: job.id, at: hoursAgo(1) })));

    expect(none).toEqual([]);
    expect(await timeLogs(t, job.id)).toHaveLength(1);
    expect(await parked()).toBe(0);
  });
});
