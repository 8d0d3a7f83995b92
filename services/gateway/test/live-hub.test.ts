// The live hub against a real NATS server: one shared subscription per tenant, dropped with its last receiver;
// positions and job events reach exactly the receivers allowed to see them, decoded once.
import { buildEnvelope, connectNats, encodeEnvelope, type NatsConnection } from '@fieldline/platform';
import { jobsEvents, locationEvents } from '@fieldline/proto';
import { testNatsUrl, uniquePrefix, waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type LiveClient, LiveHub } from '../src/live/live-hub.js';
import type { Viewer } from '../src/live/live-visibility.js';
import { sampleJob } from './fake-jobs.js';

let nc: NatsConnection;
let hub: LiveHub;
let prefix: string;
let livePrefix: string;

beforeAll(async () => {
  const url = await testNatsUrl();
  nc = await connectNats(url, 'gateway-live-hub-test');
  prefix = uniquePrefix();
  livePrefix = `${prefix}-live`;
  hub = new LiveHub({ connection: async () => nc, livePrefix, eventPrefix: prefix });
});
afterAll(async () => {
  hub.close();
  await nc.close();
});

class Receiver implements LiveClient {
  positions: Array<{ workerId: string }> = [];
  jobs: Array<{ event: string; job: { id: string; price: unknown } }> = [];
  constructor(readonly viewer: Viewer) {}
  position(json: string) {
    this.positions.push(JSON.parse(json));
  }
  job(json: string) {
    this.jobs.push(JSON.parse(json));
  }
}
const viewer = (role: Viewer['role'], userId: string, customerId?: string): Viewer => ({
  role,
  userId,
  customerId,
  assignedCustomerIds: [],
});

function publishPosition(tenantId: string, workerId: string, payloadTenant = tenantId, deviceId = `dev_${workerId}`) {
  const bytes = locationEvents.LivePosition.encode({
    tenantId: payloadTenant,
    workerId,
    deviceId,
    lat: 48.85,
    lng: 2.35,
    accuracyM: 5,
    speedMps: -1,
    headingDeg: 90,
    batteryPct: -1,
    deviceTime: new Date('2030-01-01T10:00:00Z'),
  }).finish();
  nc.publish(`${livePrefix}.${tenantId}.positions`, bytes);
}

function publishJob(tenantId: string, type: string, job: ReturnType<typeof sampleJob>, message = 'JobChanged') {
  const payload =
    message === 'JobChanged'
      ? jobsEvents.JobChanged.encode({
          job,
          actorId: 'usr_x',
          fromStatus: '',
          reason: '',
          proposal: undefined,
          addedUserIds: [],
          removedUserIds: [],
        }).finish()
      : jobsEvents.NoteAdded.encode({ job, note: undefined }).finish();
  const envelope = buildEnvelope({
    type,
    tenantId,
    producer: 'jobs',
    payloadType: `fieldline.jobs.v1.${message}`,
    payload,
  });
  nc.publish(`${prefix}.${tenantId}.jobs.${type}`, encodeEnvelope(envelope));
}

describe('the live hub', () => {
  it('shares one subscription per tenant and drops it with the last receiver', async () => {
    const a1 = new Receiver(viewer('admin', 'usr_a1'));
    const a2 = new Receiver(viewer('dispatcher', 'usr_a2'));
    const b1 = new Receiver(viewer('admin', 'usr_b1'));

    const leaveA1 = await hub.join('t_share_a', a1);
    const leaveA2 = await hub.join('t_share_a', a2);
    const leaveB1 = await hub.join('t_share_b', b1);

    expect(hub.stats()).toEqual(
      new Map([
        ['t_share_a', 2],
        ['t_share_b', 1],
      ]),
    );
    leaveA1();
    leaveA1();
    expect(hub.stats().get('t_share_a')).toBe(1);
    leaveA2();
    leaveB1();
    expect(hub.stats().size).toBe(0);

    publishPosition('t_share_a', 'usr_w');
    await nc.flush();
    expect(a1.positions).toEqual([]);
  });

  it("relays a tenant's positions to dispatch, a co-worker's own to them, none to clients or other tenants", async () => {
    const admin = new Receiver(viewer('admin', 'usr_admin'));
    const coworker = new Receiver(viewer('coworker', 'usr_w1'));
    const client = new Receiver(viewer('client', 'usr_c', 'cus_1'));
    const elsewhere = new Receiver(viewer('admin', 'usr_other'));
    const leaves = [
      await hub.join('t_pos', admin),
      await hub.join('t_pos', coworker),
      await hub.join('t_pos', client),
      await hub.join('t_pos_other', elsewhere),
    ];

    publishPosition('t_pos', 'usr_w1');
    publishPosition('t_pos', 'usr_w2', 't_pos', ''); // from a location service that does not name the phone
    // A payload naming another tenant than its subject is not trusted.
    publishPosition('t_pos', 'usr_w3', 't_pos_other');

    await waitFor(async () => admin.positions.length === 2 || undefined, { what: 'two positions for the admin' });
    await nc.flush();
    expect(admin.positions.map((p) => p.workerId)).toEqual(['usr_w1', 'usr_w2']);
    expect(admin.positions[0]).toEqual({
      type: 'position',
      workerId: 'usr_w1',
      deviceId: 'dev_usr_w1',
      lat: 48.85,
      lng: 2.35,
      accuracyM: 5,
      speedMps: null,
      headingDeg: 90,
      batteryPct: null,
      deviceTime: '2030-01-01T10:00:00.000Z',
    });
    expect(admin.positions[1]).toMatchObject({ workerId: 'usr_w2', deviceId: null });
    expect(coworker.positions.map((p) => p.workerId)).toEqual(['usr_w1']);
    expect(client.positions).toEqual([]);
    expect(elsewhere.positions).toEqual([]);
    for (const leave of leaves) leave();
  });

  it('relays job changes to who may see them, restricted for clients, and no activity events', async () => {
    const admin = new Receiver(viewer('admin', 'usr_admin'));
    const assignee = new Receiver(viewer('coworker', 'usr_w1'));
    const bystander = new Receiver(viewer('coworker', 'usr_w2'));
    const client = new Receiver(viewer('client', 'usr_c', 'cus_1'));
    const leaves = await Promise.all([admin, assignee, bystander, client].map((r) => hub.join('t_jobs', r)));
    const job = sampleJob({ id: 'job_live', tenantId: 't_jobs', customerId: 'cus_1', assigneeIds: ['usr_w1'] });

    publishJob('t_jobs', 'note_added', job, 'NoteAdded');
    publishJob('t_jobs', 'job_assigned', job);

    await waitFor(async () => (admin.jobs.length > 0 && client.jobs.length > 0) || undefined, { what: 'job events' });
    await nc.flush();
    expect(admin.jobs).toEqual([
      expect.objectContaining({ type: 'job', event: 'job_assigned', job: expect.objectContaining({ id: 'job_live' }) }),
    ]);
    expect(admin.jobs[0].job.price).toEqual({ amount: 12_000, currency: 'EUR' });
    expect(assignee.jobs.map((j) => j.event)).toEqual(['job_assigned']);
    expect(bystander.jobs).toEqual([]);
    expect(client.jobs.map((j) => j.job.price)).toEqual([null]);
    for (const leave of leaves) leave();
  });

  it('keeps delivering to the others when one receiver throws', async () => {
    const broken: LiveClient = {
      viewer: viewer('admin', 'usr_broken'),
      position: () => {
        throw new Error('socket gone');
      },
      job: () => {},
    };
    const fine = new Receiver(viewer('admin', 'usr_fine'));
    const leaves = [await hub.join('t_throw', broken), await hub.join('t_throw', fine)];

    publishPosition('t_throw', 'usr_w');

    await waitFor(async () => fine.positions.length === 1 || undefined, { what: 'the position' });
    for (const leave of leaves) leave();
  });

  it('refuses a tenant id that is not a subject token', async () => {
    await expect(hub.join('t.*', new Receiver(viewer('admin', 'usr_x')))).rejects.toThrow(/subject token/);
  });
});
