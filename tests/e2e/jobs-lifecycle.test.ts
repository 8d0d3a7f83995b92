// A job's life through the whole platform: created (numbered, defaults), read, changed with optimistic
// concurrency and null clearing, filtered, searched and paged, moved through its statuses, completed, and
// every change kept in its history.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Json } from './support/http.js';
import { createJob, errorOf, expectStatus, HOUR, inHours } from './support/jobs.js';
import { type Platform, startPlatform } from './support/platform.js';
import { createCustomer, type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
const api = () => platform.api;
const admin = () => t.admin.token;

beforeAll(async () => {
  platform = await startPlatform();
  t = await staffedTenant(platform.api, 'Life');
});
afterAll(() => platform?.stop());

describe('creating and reading a job', () => {
  it('numbers it from the customer code, starts it now and makes it due after the SLA', async () => {
    const customer = await createCustomer(api(), admin(), { code: 'ACME', slaHours: 24 });
    const before = Date.now();

    const job = await createJob(api(), admin(), { customerId: customer.id, priority: 'high' });

    expect(job).toMatchObject({
      number: expect.stringMatching(/^ACME-TASK-\d+$/),
      status: 'not_started',
      priority: 'high',
      customerId: customer.id,
      source: 'dashboard',
      version: 1,
      createdBy: t.admin.id,
      requesterId: t.admin.id,
      delayed: false,
    });
    const start = Date.parse(job.startAt);
    expect(start).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(job.dueAt) - start).toBe(24 * HOUR);

    const read = await api().get(`/v1/jobs/${job.id}`, admin());
    expect(read.status).toBe(200);
    expect(read.body).toEqual(job);
  });

  it('keeps every field of the API as sent', async () => {
    const fields = {
      title: 'Replace pump',
      description: 'Basement, left side',
      category: 'Maintenance',
      priority: 'low',
      customerId: t.customerId,
      site: { address: '1 Dock Road', lat: 51.5, lng: -0.12, radiusM: 150 },
      startAt: '2031-03-01T08:00:00.000Z',
      dueAt: '2031-03-05T17:00:00.000Z',
      percentComplete: 10,
      estimatedHours: 3.5,
      billableHours: 2,
      billable: true,
      billed: false,
      quantity: 2,
      price: { amount: 4999, currency: 'EUR' },
      mileage: 12.5,
      expenses: { amount: 1200, currency: 'EUR' },
      contact: { name: 'Ann Lee', email: 'ann@example.com', phone: '+44 20 1234' },
      notifyIds: [t.users.dispatcher.id],
      tags: ['pump', 'urgent'],
      notifyClientOnChange: true,
      notifyClientOnComplete: true,
    };

    const job = await createJob(api(), admin(), fields);

    expect(job).toMatchObject({ ...fields, site: { ...fields.site, siteId: null } });
  });

  it('honours an Idempotency-Key: a retried create returns the first job', async () => {
    const send = () =>
      api().send('POST', '/v1/jobs', {
        body: JSON.stringify({ title: 'Once only' }),
        headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      });

    const [first, second] = [await send(), await send()];

    expect(first.status).toBe(201);
    expect([200, 201]).toContain(second.status);
    expect(second.body.id).toBe(first.body.id);
  });

  it('lets a client request a job for its own customer, in the restricted view', async () => {
    const res = await api().post(
      '/v1/jobs',
      { title: 'Heating broken', customerId: t.customerId },
      t.users.client.token,
    );

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ source: 'portal', requesterId: t.users.client.id, price: null, billable: null });
  });

  it('refuses a due date before the start, naming dueAt', async () => {
    const res = await api().post('/v1/jobs', { title: 'x', startAt: inHours(10), dueAt: inHours(5) }, admin());

    expect(errorOf(res)).toMatchObject({ status: 400, field: 'dueAt' });
  });
});

describe('changing a job', () => {
  it('changes only the fields sent, bumps the version, and clears a field sent as null', async () => {
    const job = await createJob(api(), admin(), { customerId: t.customerId, tags: ['a'], dueAt: inHours(48) });

    const res = await api().patch(
      `/v1/jobs/${job.id}`,
      { title: 'Renamed', dueAt: null, version: job.version },
      admin(),
    );

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Renamed', dueAt: null, tags: ['a'], version: job.version + 1 });
  });

  it('refuses a stale version with 409 and leaves the job as the winner left it', async () => {
    const job = await createJob(api(), admin());
    const first = await api().patch(`/v1/jobs/${job.id}`, { title: 'First', version: job.version }, admin());

    const second = await api().patch(`/v1/jobs/${job.id}`, { title: 'Second', version: job.version }, admin());

    expect(first.status).toBe(200);
    expect(errorOf(second)).toMatchObject({ status: 409, code: 'STALE_VERSION', field: 'version' });
    expect((await api().get(`/v1/jobs/${job.id}`, admin())).body.title).toBe('First');
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['percent over 100', 'percentComplete', { percentComplete: 101 }],
    ['negative hours', 'billableHours', { billableHours: -1 }],
    ['an unknown category', 'category', { category: 'Astrology' }],
    ['a due date before the start', 'dueAt', { dueAt: '2000-01-02T00:00:00Z' }],
    ['a window ending before it starts', 'scheduledEnd', { scheduledStart: inHours(5), scheduledEnd: inHours(4) }],
  ])('refuses %s naming %s, changing nothing', async (_, field, change) => {
    const job = await createJob(api(), admin(), { startAt: inHours(0) });

    const res = await api().patch(`/v1/jobs/${job.id}`, { ...change, version: job.version }, admin());

    expect(errorOf(res)).toMatchObject({ status: 400, field });
    expect((await api().get(`/v1/jobs/${job.id}`, admin())).body.version).toBe(job.version);
  });
});

describe('job types and custom fields', () => {
  let typeId: string;

  beforeAll(async () => {
    const res = await api().post(
      '/v1/job-types',
      {
        name: 'Inspection',
        fields: [
          { key: 'serial', label: 'Serial number', type: 'text', required: true, maxLength: 20 },
          { key: 'pressure', type: 'number', min: 0, max: 10 },
          { key: 'kind', type: 'enum', options: ['gas', 'oil'] },
        ],
      },
      admin(),
    );
    expectStatus(res, 201, 'job type');
    typeId = res.body.id;
  });

  it('lists the type with its fields, and lets an admin change it', async () => {
    const list = await api().get('/v1/job-types', t.users.dispatcher.token);
    expect(list.body.items.find((x: Json) => x.id === typeId)).toMatchObject({
      name: 'Inspection',
      fields: [{ key: 'serial', required: true, maxLength: 20 }, { key: 'pressure', min: 0, max: 10 }, { key: 'kind' }],
    });

    const changed = await api().patch(`/v1/job-types/${typeId}`, { description: 'Yearly' }, admin());
    expect(changed.body).toMatchObject({ description: 'Yearly', version: 2 });
  });

  it('accepts values that fit the type', async () => {
    const job = await createJob(api(), admin(), {
      typeId,
      customFields: { serial: 'SN-1', pressure: 2.5, kind: 'gas' },
    });

    expect(job.customFields).toEqual({ serial: 'SN-1', pressure: 2.5, kind: 'gas' });
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['a required field missing', 'customFields.serial', { pressure: 1 }],
    ['a number as text', 'customFields.pressure', { serial: 'S', pressure: 'high' }],
    ['a number over its max', 'customFields.pressure', { serial: 'S', pressure: 11 }],
    ['a value outside the enum', 'customFields.kind', { serial: 'S', kind: 'coal' }],
    ['text over its max length', 'customFields.serial', { serial: 'S'.repeat(21) }],
    ['a field the type does not have', 'customFields.colour', { serial: 'S', colour: 'red' }],
  ])('refuses %s, naming %s', async (_, field, customFields) => {
    const res = await api().post('/v1/jobs', { title: 'x', typeId, customFields }, admin());

    expect(errorOf(res)).toMatchObject({ status: 400, field });
  });
});

describe('listing jobs', () => {
  let listed: StaffedTenant;
  const made: Json[] = [];

  beforeAll(async () => {
    listed = await staffedTenant(platform.api, 'Lists');
    const tok = listed.admin.token;
    for (let i = 0; i < 7; i++) {
      made.push(
        await createJob(api(), tok, {
          title: i === 3 ? 'Leaking radiator in the attic' : `Job ${i}`,
          priority: i % 2 ? 'high' : 'low',
          category: i < 2 ? 'Maintenance' : undefined,
          tags: i === 5 ? ['vip'] : [],
          customerId: i < 4 ? listed.customerId : undefined,
          dueAt: inHours(24 + i),
          assigneeIds: i === 6 ? [listed.users.coworker.id] : undefined,
        }),
      );
    }
  });

  const ids = (res: { body: Json }) => (res.body.items as Json[]).map((j) => j.id);
  const list = (query: string, tok = listed.admin.token) => api().get(`/v1/jobs?${query}`, tok);

  it('pages with a cursor, newest first, without repeats or gaps, also when jobs are added meanwhile', async () => {
    const first = await list('limit=3');
    await createJob(api(), listed.admin.token, { title: 'Added while paging' });
    const second = await list(`limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    const third = await list(`limit=3&cursor=${encodeURIComponent(second.body.nextCursor)}`);

    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual(made.map((j) => j.id).reverse());
    expect(third.body.nextCursor).toBeNull();
  });

  it.each<[string, (m: Json[]) => Json[]]>([
    ['priority=high', (m) => m.filter((_, i) => i % 2 === 1)],
    ['category=Maintenance', (m) => m.slice(0, 2)],
    ['tag=vip', (m) => [m[5]]],
    ['q=radiator', (m) => [m[3]]],
    ['status=assigned', (m) => [m[6]]],
    ['status=assigned,not_started&status=done', (m) => m],
  ])('filters by %s', async (query, expected) => {
    const res = await list(`${query}&limit=100`);

    expect(res.status).toBe(200);
    expect(
      ids(res)
        .filter((id) => made.some((j) => j.id === id))
        .sort(),
    ).toEqual(
      expected(made)
        .map((j) => j.id)
        .sort(),
    );
  });

  it('filters by customer and assignee, and by due dates', async () => {
    const byCustomer = await list(`customerId=${listed.customerId}&limit=100`);
    const byAssignee = await list(`assigneeId=${listed.users.coworker.id}`);
    // [dueAfter, dueBefore): from the first job's due time up to, not including, the third's.
    const dueSoon = await list(
      `dueAfter=${encodeURIComponent(made[0].dueAt)}&dueBefore=${encodeURIComponent(made[2].dueAt)}`,
    );

    expect(ids(byCustomer).sort()).toEqual(
      made
        .slice(0, 4)
        .map((j) => j.id)
        .sort(),
    );
    expect(ids(byAssignee)).toEqual([made[6].id]);
    expect(ids(dueSoon).sort()).toEqual([made[0].id, made[1].id].sort());
  });

  it('sorts by due date both ways', async () => {
    const asc = await list('sort=dueAt&limit=100');
    const desc = await list('sort=-dueAt&limit=100');

    const mine = (res: { body: Json }) => ids(res).filter((id) => made.some((j) => j.id === id));
    expect(mine(asc)).toEqual(made.map((j) => j.id));
    expect(mine(desc)).toEqual(made.map((j) => j.id).reverse());
  });

  it('shows a co-worker only the jobs they are on', async () => {
    const res = await list('limit=100', listed.users.coworker.token);

    expect(ids(res)).toEqual([made[6].id]);
  });

  it('refuses an unknown status naming status, and a bad cursor with a 4xx', async () => {
    expect(errorOf(await list('status=finished'))).toMatchObject({ status: 400, field: 'status' });
    const bad = await list('cursor=nonsense');
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
  });
});

describe('statuses, completion and history', () => {
  it('moves a job through its statuses and refuses an illegal move with 409 naming both states', async () => {
    const job = await createJob(api(), admin());

    const started = await api().post(`/v1/jobs/${job.id}/transition`, { to: 'in_progress' }, admin());
    const waiting = await api().post(
      `/v1/jobs/${job.id}/transition`,
      { to: 'waiting_on_customer', reason: 'parts' },
      admin(),
    );
    const cancelled = await api().post(`/v1/jobs/${job.id}/transition`, { to: 'cancelled' }, admin());
    const illegal = await api().post(`/v1/jobs/${job.id}/transition`, { to: 'done' }, admin());

    expect([started.body.status, waiting.body.status, cancelled.body.status]).toEqual([
      'in_progress',
      'waiting_on_customer',
      'cancelled',
    ]);
    expect(errorOf(illegal)).toMatchObject({ status: 409, code: 'JOB_INVALID_TRANSITION' });
    expect(illegal.body.error.message).toContain('cancelled');
    expect(illegal.body.error.message).toContain('done');
  });

  it('completes a job: done, completed now, 100 %', async () => {
    const job = await createJob(api(), admin(), { assigneeIds: [t.users.coworker.id], customerId: t.customerId });
    await api().post(`/v1/jobs/${job.id}/accept`, undefined, t.users.coworker.token);

    const res = await api().post(`/v1/jobs/${job.id}/complete`, { note: 'All good' }, t.users.coworker.token);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'done', percentComplete: 100 });
    expect(Date.now() - Date.parse(res.body.completedAt)).toBeLessThan(60_000);
  });

  it('keeps who changed what, when, from → to and why', async () => {
    const job = await createJob(api(), admin());
    await api().patch(`/v1/jobs/${job.id}`, { title: 'New title', version: job.version }, admin());
    await api().post(`/v1/jobs/${job.id}/transition`, { to: 'in_progress', reason: 'started early' }, admin());

    const res = await api().get(`/v1/jobs/${job.id}/history`, admin());

    expect(res.status).toBe(200);
    const kinds = (res.body.items as Json[]).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['created', 'updated', 'status_changed']));
    const moved = (res.body.items as Json[]).find((e) => e.kind === 'status_changed');
    expect(moved).toMatchObject({
      actorId: t.admin.id,
      fromStatus: 'not_started',
      toStatus: 'in_progress',
      reason: 'started early',
    });
    const updated = (res.body.items as Json[]).find((e) => e.kind === 'updated');
    expect(updated.changes).toContainEqual({ field: 'title', from: 'Fix the boiler', to: 'New title' });
    expect(res.body.proposals).toEqual([]);
  });
});
