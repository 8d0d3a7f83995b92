// The live WebSocket /v1/live through the real platform: a phone's pings reach the location service, whose live
// positions (core NATS) and the jobs service's events (JetStream) come out of the gateway's socket, each user
// getting only what they may see. Absence is shown by a later message that did arrive: NATS keeps order per
// publisher, so what was published before it and not received was filtered out.
import { signAccessToken } from '@fieldline/auth';
import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Json } from './support/http.js';
import { createJob, expectStatus } from './support/jobs.js';
import {
  type LiveSocket,
  openLive,
  type Phone,
  refusedLive,
  registerPhone,
  secondsAgo,
  sendPings,
} from './support/location.js';
import { E2E_JWT_SECRET, type Platform, startPlatform } from './support/platform.js';
import { createUser, type Session, type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
let other: StaffedTenant;
let w1: Session;
let w2: Session;
let phone1: Phone;
let phone2: Phone;
const sockets: LiveSocket[] = [];
const api = () => platform.api;
let seq = 0;

beforeAll(async () => {
  platform = await startPlatform();
  [t, other] = await Promise.all([staffedTenant(platform.api, 'Live'), staffedTenant(platform.api, 'Elsewhere')]);
  w1 = await createUser(api(), t, 'coworker', { name: 'Walker one' });
  w2 = await createUser(api(), t, 'coworker', { name: 'Walker two' });
  phone1 = await registerPhone(api(), t.admin.token, w1.id);
  phone2 = await registerPhone(api(), t.admin.token, w2.id);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await platform?.stop();
});

async function live(token: string, via: 'header' | 'query' = 'header'): Promise<LiveSocket> {
  const socket = await openLive(api().baseUrl, token, via);
  sockets.push(socket);
  return socket;
}
/** One fix of `phone` now, at a latitude that names it in the test. */
async function ping(phone: Phone, lat: number): Promise<void> {
  const res = await sendPings(api(), phone, [{ seq: ++seq, deviceTime: secondsAgo(0.2), lat, lng: 2.35 }]);
  expect(res.body).toMatchObject({ accepted: 1 });
}
const positionAt = (workerId: string, lat: number) => (m: Json) =>
  m.type === 'position' && m.workerId === workerId && Math.abs(m.lat - lat) < 1e-9;
const jobEvent = (jobId: string, event?: string) => (m: Json) =>
  m.type === 'job' && m.job.id === jobId && (event === undefined || m.event === event);

describe('the live handshake', () => {
  it("refuses a handshake without a user's valid access token before upgrading: 401 (a device's token 403)", async () => {
    const device = await registerPhone(api(), t.admin.token, w1.id);

    const statuses = await Promise.all([
      refusedLive(api().baseUrl),
      refusedLive(api().baseUrl, '/v1/live', { authorization: 'Bearer not-a-token' }),
      refusedLive(api().baseUrl, '/v1/live?access_token=not-a-token'),
      refusedLive(api().baseUrl, `/v1/live?access_token=${device.token}`),
      refusedLive(api().baseUrl, '/v1/live', { authorization: `Bearer ${device.token}` }),
    ]);

    expect(statuses).toEqual([401, 401, 401, 401, 403]);
  });

  it('closes the socket with 4001 when the access token expires', async () => {
    const { token } = signAccessToken(
      { sub: t.users.dispatcher.id, tid: t.id, role: 'dispatcher' },
      { secret: E2E_JWT_SECRET, ttlSeconds: 2 },
    );
    const socket = await live(token, 'query');

    await waitFor(() => socket.closed, { what: 'the close at expiry', timeoutMs: 6000 });

    expect(socket.closed).toEqual({ code: 4001, reason: 'access token expired' });
  });

  it('answers a plain HTTP GET with 426 Upgrade Required', async () => {
    const res = await api().get('/v1/live', t.admin.token);

    expect(res.status).toBe(426);
    expect(res.body.error.code).toBe('UPGRADE_REQUIRED');
  });

  it('greets with ready, saying whether positions will come', async () => {
    const admin = await live(t.admin.token);
    const client = await live(t.users.client.token, 'query');

    expect(admin.messages[0]).toEqual({ type: 'ready', userId: t.admin.id, role: 'admin', positions: true });
    expect(client.messages[0]).toEqual({ type: 'ready', userId: t.users.client.id, role: 'client', positions: false });
  });
});

describe('positions on the live feed', () => {
  it("relays a worker's position to dispatch, to that worker, and to no other co-worker, client or tenant", async () => {
    const [dispatcher, worker1, worker2, client, elsewhere] = await Promise.all([
      live(t.users.dispatcher.token),
      live(w1.token, 'query'),
      live(w2.token),
      live(t.users.client.token),
      live(other.admin.token),
    ]);

    await ping(phone1, 48.1001);
    await ping(phone2, 48.2001);

    const seen = await dispatcher.next(positionAt(w1.id, 48.1001), "w1's position for the dispatcher");
    expect(seen).toMatchObject({
      type: 'position',
      workerId: w1.id,
      deviceId: phone1.id,
      lng: 2.35,
      deviceTime: expect.any(String),
    });
    await dispatcher.next(positionAt(w2.id, 48.2001), "w2's position for the dispatcher");
    await worker1.next(positionAt(w1.id, 48.1001), 'its own position for w1');
    await worker2.next(positionAt(w2.id, 48.2001), 'its own position for w2');
    // w2's position was published after w1's on the same subject: had w1's been relayed to w2, it would be here.
    expect(worker2.messages.filter((m) => m.type === 'position' && m.workerId === w1.id)).toEqual([]);
    expect(worker1.messages.filter((m) => m.type === 'position' && m.workerId === w2.id)).toEqual([]);
    // The client and the other tenant get no position at all: a job event they may see, sent after, shows up alone.
    const job = await createJob(api(), t.admin.token, { title: 'Marker', customerId: t.customerId });
    await client.next(jobEvent(job.id), 'the marker job for the client');
    expect(client.messages.filter((m) => m.type === 'position')).toEqual([]);
    const theirs = await createJob(api(), other.admin.token, { title: 'Their marker' });
    await elsewhere.next(jobEvent(theirs.id), 'their own marker job');
    expect(elsewhere.messages.filter((m) => m.type !== 'ready' && m.job?.id !== theirs.id)).toEqual([]);
  });
});

describe('jobs on the live feed', () => {
  it('relays a job change to dispatch and its assignee, restricted to its client, not to another co-worker', async () => {
    const [admin, worker1, worker2, client] = await Promise.all([
      live(t.admin.token),
      live(w1.token),
      live(w2.token),
      live(t.users.client.token),
    ]);

    const job = await createJob(api(), t.admin.token, {
      title: 'Fix the pump',
      customerId: t.customerId,
      assigneeIds: [w1.id],
      price: { amount: 25_000, currency: 'EUR' },
      estimatedHours: 3,
    });
    expectStatus(await api().post(`/v1/jobs/${job.id}/transition`, { to: 'in_progress' }, t.admin.token), 200, 'start');

    const created = await admin.next(jobEvent(job.id, 'job_created'), 'job_created for the admin');
    expect(created).toMatchObject({
      type: 'job',
      event: 'job_created',
      occurredAt: expect.any(String),
      job: { id: job.id, title: 'Fix the pump', price: { amount: 25_000, currency: 'EUR' }, estimatedHours: 3 },
    });
    const started = await admin.next(jobEvent(job.id, 'job_status_changed'), 'job_status_changed for the admin');
    expect(started.job.status).toBe('in_progress');
    await worker1.next(jobEvent(job.id, 'job_status_changed'), 'the change for its assignee');
    const forClient = await client.next(jobEvent(job.id, 'job_created'), 'job_created for the client');
    expect(forClient.job).toMatchObject({ id: job.id, price: null, estimatedHours: null, customFields: null });

    // A later job for w2 reaches w2: the first one, published before it, was filtered out.
    const later = await createJob(api(), t.admin.token, { title: 'For w2', assigneeIds: [w2.id] });
    await worker2.next(jobEvent(later.id), "w2's own job");
    expect(worker2.messages.filter((m) => m.type === 'job' && m.job.id === job.id)).toEqual([]);
  });

  it('starts relaying a job to a co-worker once they are added to it', async () => {
    const worker2 = await live(w2.token);
    const job = await createJob(api(), t.admin.token, { title: 'Bring a second pair of hands' });

    const added = await api().post(`/v1/jobs/${job.id}/participants`, { userIds: [w2.id] }, t.admin.token);
    expectStatus(added, 200, 'add w2');

    const event = await worker2.next(jobEvent(job.id, 'participants_changed'), 'participants_changed for w2');
    expect(event.job.participantIds).toContain(w2.id);
    expect(worker2.messages.filter(jobEvent(job.id, 'job_created'))).toEqual([]);
  });
});
