// Around a job, through the whole platform: notes (internal ones only for admins and dispatchers), time logs
// (staff; co-workers only their own) and reminders (staff).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Json } from './support/http.js';
import { errorOf, expectStatus, inHours, sharedJob } from './support/jobs.js';
import { type Platform, startPlatform } from './support/platform.js';
import { ROLES, type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
let job: Json;
const api = () => platform.api;

beforeAll(async () => {
  platform = await startPlatform();
  t = await staffedTenant(platform.api, 'Activity');
  job = await sharedJob(platform.api, t);
  for (const [body, internal] of [
    ['Customer called, gate code 1234', false],
    ['Customer is late paying: ask for cash', true],
  ] as const) {
    expectStatus(await api().post(`/v1/jobs/${job.id}/notes`, { body, internal }, t.admin.token), 201, 'note');
  }
});
afterAll(() => platform?.stop());

describe('notes', () => {
  it.each(ROLES.map((r) => [r, r === 'admin' || r === 'dispatcher'] as const))(
    'shows a %s the public notes, and internal ones only to admins and dispatchers (%s)',
    async (role, seesInternal) => {
      const res = await api().get(`/v1/jobs/${job.id}/notes`, t.users[role].token);

      expect(res.status).toBe(200);
      const bodies = res.body.items.map((n: Json) => n.body);
      expect(bodies).toContain('Customer called, gate code 1234');
      expect(bodies.includes('Customer is late paying: ask for cash')).toBe(seesInternal);
      expect(res.body.nextCursor).toBeNull();
    },
  );

  it('lets anyone on the job add a public note, and only admins and dispatchers an internal one', async () => {
    const publicNote = await api().post(`/v1/jobs/${job.id}/notes`, { body: 'On my way' }, t.users.guest.token);
    const internal = await api().post(
      `/v1/jobs/${job.id}/notes`,
      { body: 'x', internal: true },
      t.users.coworker.token,
    );

    expect(publicNote.status).toBe(201);
    expect(publicNote.body).toMatchObject({ body: 'On my way', internal: false, authorId: t.users.guest.id });
    expect(errorOf(internal)).toMatchObject({ status: 403, code: 'INTERNAL_NOTE_FORBIDDEN' });
  });

  it('keeps internal notes out of the history a client reads', async () => {
    const res = await api().get(`/v1/jobs/${job.id}/history`, t.users.client.token);

    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('late paying');
  });
});

describe('time logs', () => {
  it('lets a co-worker on the job log their own time, and shows it to staff', async () => {
    const res = await api().post(
      `/v1/jobs/${job.id}/time-logs`,
      { startedAt: inHours(-3), hours: 1.5, note: 'Replaced the valve' },
      t.users.coworker.token,
    );

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ workerId: t.users.coworker.id, hours: 1.5, source: 'manual' });
    const list = await api().get(`/v1/jobs/${job.id}/time-logs`, t.users.dispatcher.token);
    expect(list.body.items.map((l: Json) => l.id)).toContain(res.body.id);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['a log in the future', 'startedAt', { startedAt: inHours(2), hours: 1 }],
    ['more than 24 hours', 'hours', { startedAt: inHours(-30), hours: 25 }],
    ['an end before the start', 'endedAt', { startedAt: inHours(-2), endedAt: inHours(-3) }],
    ['neither end nor hours', 'endedAt', { startedAt: inHours(-2) }],
  ])('refuses %s naming %s', async (_, field, body) => {
    const res = await api().post(`/v1/jobs/${job.id}/time-logs`, body, t.users.coworker.token);

    expect(errorOf(res)).toMatchObject({ status: 400, field });
  });

  it("refuses a co-worker logging someone else's time, and clients reading time logs", async () => {
    const other = await api().post(
      `/v1/jobs/${job.id}/time-logs`,
      { workerId: t.users.dispatcher.id, startedAt: inHours(-2), hours: 1 },
      t.users.coworker.token,
    );
    const client = await api().get(`/v1/jobs/${job.id}/time-logs`, t.users.client.token);

    expect(errorOf(other).status).toBe(403);
    expect(errorOf(client).status).toBe(403);
  });
});

describe('reminders', () => {
  it('sets a reminder in the future and lists it', async () => {
    const remindAt = inHours(5);

    const res = await api().post(
      `/v1/jobs/${job.id}/reminders`,
      { remindAt, message: 'Call back' },
      t.users.dispatcher.token,
    );
    const list = await api().get(`/v1/jobs/${job.id}/reminders`, t.users.coworker.token);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      remindAt,
      message: 'Call back',
      state: 'pending',
      createdBy: t.users.dispatcher.id,
    });
    expect(list.body.items.map((r: Json) => r.id)).toContain(res.body.id);
  });

  it('refuses a reminder in the past, naming remindAt', async () => {
    const res = await api().post(`/v1/jobs/${job.id}/reminders`, { remindAt: inHours(-1) }, t.admin.token);

    expect(errorOf(res)).toMatchObject({ status: 400, field: 'remindAt' });
  });
});
