// Where the workers are, through the gateway and the real location service: nearest workers with their filters,
// tracks as GeoJSON, shifts per role, the role matrix of every location route, and a second tenant that neither
// sees nor reaches the first one's workers.
import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Answer, Json } from './support/http.js';
import { createJob, errorOf, expectStatus } from './support/jobs.js';
import { positionsOf, registerPhone, secondsAgo, sendPings } from './support/location.js';
import { type Platform, startPlatform } from './support/platform.js';
import {
  createCustomer,
  createUser,
  ROLES,
  type RoleName,
  type Session,
  type StaffedTenant,
  staffedTenant,
} from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
let other: StaffedTenant;
const api = () => platform.api;
/** Three co-workers north of P: w1 ≈ 100 m, w2 ≈ 1 km, w3 ≈ 5 km. */
const P = { lat: 48.8566, lng: 2.3522 };
const w: Session[] = [];
let site: { customerId: string; siteId: string };

/** Puts `worker` at `lat`,`lng` a few seconds ago through a phone of theirs. */
async function place(worker: Session, lat: number, lng: number, secondsBack = 5): Promise<void> {
  const phone = await registerPhone(api(), t.admin.token, worker.id);
  const res = await sendPings(api(), phone, [{ seq: 1, deviceTime: secondsAgo(secondsBack), lat, lng }]);
  expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
}
const putShift = (id: string, body: unknown, token: string) => api().put(`/v1/workers/${id}/shift`, body, token);
const nearest = (query: string, token = t.users.dispatcher.token) => api().get(`/v1/workers/nearest?${query}`, token);
const ids = (res: Answer) => res.body.items.map((i: Json) => i.workerId);
const around = `lat=${P.lat}&lng=${P.lng}`;

beforeAll(async () => {
  platform = await startPlatform();
  [t, other] = await Promise.all([staffedTenant(platform.api, 'Where'), staffedTenant(platform.api, 'Elsewhere')]);
  for (let i = 0; i < 3; i++) w.push(await createUser(api(), t, 'coworker', { name: `Worker ${i + 1}` }));
  await place(w[0], P.lat + 0.0009, P.lng);
  await place(w[1], P.lat + 0.009, P.lng);
  await place(w[2], P.lat + 0.045, P.lng);
  for (const [worker, onShift, skills] of [
    [w[0], true, ['plumbing']],
    [w[1], true, ['plumbing', 'Electric']],
    [w[2], false, ['electric']],
  ] as const) {
    expectStatus(await putShift(worker.id, { onShift, skills }, t.admin.token), 200, 'shift');
  }
  const customer = await createCustomer(api(), t.admin.token, {
    sites: [{ name: 'Depot', address: '1 Rue du Nord', lat: P.lat + 0.0095, lng: P.lng }],
  });
  site = { customerId: customer.id, siteId: customer.sites[0].id };
});
afterAll(() => platform?.stop());

describe('GET /v1/workers/nearest', () => {
  it('lists the workers around a point closest first, with distance, position, status and skills', async () => {
    const res = await nearest(`${around}&radiusM=10000`);

    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([w[0].id, w[1].id, w[2].id]);
    const [first, second, third] = res.body.items;
    expect(first).toMatchObject({
      workerId: w[0].id,
      status: 'available',
      skills: ['plumbing'],
      position: { workerId: w[0].id, lat: expect.closeTo(P.lat + 0.0009, 6), lng: P.lng, stale: false },
    });
    expect(first.distanceM).toBeGreaterThan(95);
    expect(first.distanceM).toBeLessThan(105);
    expect(second).toMatchObject({ status: 'available', skills: ['electric', 'plumbing'] });
    expect(second.distanceM).toBeGreaterThan(990);
    expect(second.distanceM).toBeLessThan(1010);
    expect(third).toMatchObject({ status: 'off_shift' });
  });

  it.each([
    ['radiusM=10000&available=true', [0, 1]],
    ['radiusM=10000&skill=electric', [1, 2]],
    ['radiusM=10000&skill=ELECTRIC&available=true', [1]],
    ['radiusM=10000&limit=1', [0]],
    ['radiusM=500', [0]],
    ['radiusM=2000&skill=plumbing', [0, 1]],
    ['radiusM=10000&skill=welding', []],
  ])('filters with %s', async (filter, expected) => {
    const res = await nearest(`${around}&${filter}`);

    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(expected.map((i) => w[i].id));
  });

  it("searches around a customer site's coordinates instead of a point", async () => {
    const res = await waitFor(
      async () => {
        const r = await nearest(`customerId=${site.customerId}&siteId=${site.siteId}&radiusM=3000`);
        return r.status === 200 ? r : undefined;
      },
      { what: 'the site known to location', timeoutMs: 15_000 },
    );

    expect(ids(res)).toEqual([w[1].id, w[0].id]);
    expect(res.body.items[0].distanceM).toBeLessThan(100);
  });

  it('counts a worker with a job in progress as busy, not available', async () => {
    const worker = await createUser(api(), t, 'coworker', { name: 'Busy worker' });
    await place(worker, P.lat - 0.0005, P.lng);
    expectStatus(await putShift(worker.id, { onShift: true, skills: [] }, t.admin.token), 200, 'shift');
    expect(ids(await nearest(`${around}&radiusM=200&available=true`))).toEqual([worker.id, w[0].id]);
    const job = await createJob(api(), t.admin.token, { assigneeIds: [worker.id] });

    expectStatus(await api().post(`/v1/jobs/${job.id}/transition`, { to: 'in_progress' }, t.admin.token), 200, 'start');

    await waitFor(
      async () => (ids(await nearest(`${around}&radiusM=200&available=true`)).includes(worker.id) ? undefined : true),
      { what: 'the worker busy', timeoutMs: 15_000 },
    );
    const all = await nearest(`${around}&radiusM=200`);
    expect(all.body.items.find((i: Json) => i.workerId === worker.id)).toMatchObject({ status: 'busy' });
  });

  it.each([
    ['no point and no site', 'radiusM=1000', 'lat'],
    ['lat without lng', `lat=${P.lat}`, 'lng'],
    ['a point and a site', `${around}&customerId=cus_1&siteId=site_1`, 'lat'],
    ['a site without its id', 'customerId=cus_1', 'siteId'],
    ['a latitude out of range', 'lat=91&lng=0', 'lat'],
    ['a radius too large', `${around}&radiusM=500001`, 'radiusM'],
    ['a zero radius', `${around}&radiusM=0`, 'radiusM'],
    ['a limit too large', `${around}&limit=101`, 'limit'],
    ['an unknown parameter', `${around}&near=me`, 'near'],
  ])('refuses %s (400 naming %s)', async (_what, query, field) => {
    expect(errorOf(await nearest(query))).toMatchObject({ status: 400, field });
  });

  it('answers 404 for a site that does not exist', async () => {
    const res = await nearest(`customerId=${site.customerId}&siteId=site_nope&radiusM=1000`);

    expect(res.status).toBe(404);
  });
});

describe('GET /v1/workers/{id}/track', () => {
  it('is a GeoJSON Feature: a MultiLineString split at offline gaps, [lng, lat], with times and a count', async () => {
    const worker = await createUser(api(), t, 'coworker', { name: 'Tracked' });
    const phone = await registerPhone(api(), t.admin.token, worker.id);
    const fix = (seq: number, secondsBack: number, lat: number) => ({
      seq,
      deviceTime: secondsAgo(secondsBack),
      lat,
      lng: 4.5,
    });
    // Two fixes, 10 minutes of silence, two more, 10 minutes of silence, one lone fix.
    const fixes = [fix(1, 1500, 50.1), fix(2, 1440, 50.2), fix(3, 840, 50.3), fix(4, 780, 50.4), fix(5, 60, 50.5)];
    expect((await sendPings(api(), phone, fixes)).body.accepted).toBe(5);
    const from = secondsAgo(3600);
    const to = secondsAgo(0);

    const res = await api().get(`/v1/workers/${worker.id}/track?from=${from}&to=${to}`, t.users.dispatcher.token);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const track = JSON.parse(res.text);
    expect(track).toEqual({
      type: 'Feature',
      geometry: {
        type: 'MultiLineString',
        coordinates: [
          [
            [4.5, 50.1],
            [4.5, 50.2],
          ],
          [
            [4.5, 50.3],
            [4.5, 50.4],
          ],
          [
            [4.5, 50.5],
            [4.5, 50.5],
          ],
        ],
      },
      properties: {
        workerId: worker.id,
        from,
        to,
        points: 5,
        coordTimes: [
          [fixes[0].deviceTime, fixes[1].deviceTime],
          [fixes[2].deviceTime, fixes[3].deviceTime],
          [fixes[4].deviceTime, fixes[4].deviceTime],
        ],
      },
    });
  });

  it('is an empty MultiLineString for a window without fixes', async () => {
    const res = await api().get(
      `/v1/workers/${w[0].id}/track?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`,
      t.admin.token,
    );

    expect(JSON.parse(res.text)).toMatchObject({ geometry: { coordinates: [] }, properties: { points: 0 } });
  });

  it.each([
    ['no from', 'to=2030-01-02T00:00:00Z', 'from'],
    ['a from that is no time', 'from=monday&to=2030-01-02T00:00:00Z', 'from'],
    ['to before from', 'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'to'],
    ['more than 7 days', 'from=2030-01-01T00:00:00Z&to=2030-01-08T00:00:01Z', 'to'],
  ])('refuses %s (400 naming %s)', async (_what, query, field) => {
    expect(errorOf(await api().get(`/v1/workers/${w[0].id}/track?${query}`, t.admin.token))).toMatchObject({
      status: 400,
      field,
    });
  });
});

describe('GET|PUT /v1/workers/{id}/shift', () => {
  it('lets dispatch set anyone on shift with skills, folded to lower case and sorted', async () => {
    const res = await putShift(
      w[0].id,
      { onShift: true, skills: ['Plumbing', 'gas', 'plumbing'] },
      t.users.dispatcher.token,
    );

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      workerId: w[0].id,
      onShift: true,
      skills: ['gas', 'plumbing'],
      updatedAt: expect.any(String),
    });
    expect((await api().get(`/v1/workers/${w[0].id}/shift`, t.admin.token)).body).toEqual(res.body);
    expectStatus(await putShift(w[0].id, { onShift: true, skills: ['plumbing'] }, t.admin.token), 200, 'restore');
  });

  it('gives a worker never set off shift without skills', async () => {
    const fresh = await createUser(api(), t, 'coworker');

    const res = await api().get(`/v1/workers/${fresh.id}/shift`, t.admin.token);

    expect(res.body).toEqual({ workerId: fresh.id, onShift: false, skills: [], updatedAt: null });
  });

  it('lets a co-worker go on and off shift, but not change their skills nor touch another worker', async () => {
    const me = t.users.coworker;
    expectStatus(await putShift(me.id, { onShift: false, skills: ['ladders'] }, t.admin.token), 200, 'skills');

    const on = await putShift(me.id, { onShift: true, skills: [] }, me.token);
    const same = await putShift(me.id, { onShift: false, skills: ['ladders'] }, me.token);
    const change = await putShift(me.id, { onShift: true, skills: ['welding'] }, me.token);
    const others = await putShift(w[0].id, { onShift: false, skills: [] }, me.token);
    const readOthers = await api().get(`/v1/workers/${w[0].id}/shift`, me.token);
    const readOwn = await api().get(`/v1/workers/${me.id}/shift`, me.token);

    expect(on.body).toMatchObject({ onShift: true, skills: ['ladders'] });
    expect(same.body).toMatchObject({ onShift: false, skills: ['ladders'] });
    expect(errorOf(change)).toMatchObject({ status: 403, code: 'SKILLS_FORBIDDEN' });
    expect(errorOf(others)).toMatchObject({ status: 403, code: 'SHIFT_FORBIDDEN' });
    expect(errorOf(readOthers)).toMatchObject({ status: 403, code: 'SHIFT_FORBIDDEN' });
    expect(readOwn.body).toMatchObject({ workerId: me.id, onShift: false, skills: ['ladders'] });
  });

  it('refuses a shift for a client (not a worker), an unknown worker, and bad bodies', async () => {
    const client = await putShift(t.users.client.id, { onShift: true, skills: [] }, t.admin.token);
    const unknown = await putShift('usr_nobody', { onShift: true, skills: [] }, t.admin.token);
    const noSkills = await putShift(w[0].id, { onShift: true }, t.admin.token);
    const badFlag = await putShift(w[0].id, { onShift: 'yes', skills: [] }, t.admin.token);

    expect(errorOf(client)).toMatchObject({ status: 400, code: 'NOT_A_WORKER' });
    expect(unknown.status).toBe(404);
    expect(errorOf(noSkills)).toMatchObject({ status: 400, field: 'skills' });
    expect(errorOf(badFlag)).toMatchObject({ status: 400, field: 'onShift' });
  });
});

describe('GET /v1/workers/positions', () => {
  it('shows dispatch every worker with a position, and a co-worker only themself', async () => {
    const me = t.users.coworker;
    await place(me, 45, 4);

    const all = await positionsOf(api(), t.users.dispatcher.token);
    const mine = await api().get('/v1/workers/positions', me.token);

    expect([...all.keys()]).toEqual(expect.arrayContaining([w[0].id, w[1].id, w[2].id, me.id]));
    expect(mine.body.items.map((p: Json) => p.workerId)).toEqual([me.id]);
  });
});

describe('the role matrix of the location routes', () => {
  const staff: RoleName[] = ['admin', 'dispatcher', 'coworker'];
  const dispatch: RoleName[] = ['admin', 'dispatcher'];
  const self = () => t.users.coworker.id;
  const window = 'from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z';
  const rows: Array<[string, RoleName[], (token: string) => Promise<Answer>]> = [
    ['GET /v1/workers/nearest', dispatch, (tok) => nearest(`${around}&radiusM=100`, tok)],
    ['GET /v1/workers/positions', staff, (tok) => api().get('/v1/workers/positions', tok)],
    ['GET /v1/workers/{id}/track', staff, (tok) => api().get(`/v1/workers/${self()}/track?${window}`, tok)],
    ['GET /v1/workers/{id}/shift', staff, (tok) => api().get(`/v1/workers/${self()}/shift`, tok)],
    ['PUT /v1/workers/{id}/shift', staff, (tok) => putShift(self(), { onShift: true, skills: ['ladders'] }, tok)],
    [
      'POST /v1/device/pings',
      [],
      (tok) => api().post('/v1/device/pings', { pings: [{ deviceTime: secondsAgo(1), lat: 1, lng: 1 }] }, tok),
    ],
  ];

  it.each(
    rows.flatMap(([route, allowed, call]) => ROLES.map((role) => [route, role, allowed.includes(role), call] as const)),
  )('%s as %s: allowed %s', async (_route, role, allowed, call) => {
    const res = await call(t.users[role].token);

    if (allowed) expect({ role, status: res.status }).toEqual({ role, status: 200 });
    else
      expect({ role, status: res.status, code: res.body?.error?.code }).toEqual({
        role,
        status: 403,
        code: 'FORBIDDEN',
      });
  });

  it.each(ROLES)('lets %s past the gate of the live feed (a plain GET is 426, not 403)', async (role) => {
    const res = await api().get('/v1/live', t.users[role].token);

    expect({ role, status: res.status }).toEqual({ role, status: 426 });
  });

  it('covers every protected location route of the OpenAPI document', async () => {
    const doc = (await api().get('/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[]; tags?: string[] }>>;
    };
    const secured = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security?.length && op.tags?.includes('location'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );

    expect([...rows.map(([route]) => route), 'GET /v1/live'].sort()).toEqual(secured.sort());
  });

  it('answers every route 401 without a credential', async () => {
    const answers = await Promise.all([
      api().get(`/v1/workers/nearest?${around}`),
      api().get('/v1/workers/positions'),
      api().get(`/v1/workers/${self()}/track?${window}`),
      api().get(`/v1/workers/${self()}/shift`),
      api().put(`/v1/workers/${self()}/shift`, { onShift: true, skills: [] }),
      api().post('/v1/device/pings', { pings: [] }),
      api().get('/v1/live'),
    ]);

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401, 401]);
  });
});

describe('another tenant', () => {
  it("neither sees the first tenant's workers nor reaches them: the same 404 as ids that exist nowhere", async () => {
    const admin = other.admin.token;
    const probe = async (id: string) =>
      Promise.all([
        api().get(`/v1/workers/${id}/track?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`, admin),
        api().get(`/v1/workers/${id}/shift`, admin),
        putShift(id, { onShift: true, skills: ['spying'] }, admin),
      ]);
    const shape = (answers: Answer[]) => answers.map((a) => ({ status: a.status, code: a.body?.error?.code }));

    const theirs = await probe(w[0].id);
    const nowhere = await probe('usr_0000000000000000000000000000ffff');

    expect(shape(theirs)).toEqual(shape(nowhere));
    expect(theirs.map((a) => a.status)).toEqual([404, 404, 404]);
    expect((await api().get(`/v1/workers/${w[0].id}/shift`, t.admin.token)).body.skills).toEqual(['plumbing']);
  });

  it("gets no position or nearest worker of the first tenant, nor its customer's site", async () => {
    const admin = other.admin.token;

    const positions = await positionsOf(api(), admin);
    const near = await nearest(`${around}&radiusM=100000`, admin);
    const theirSite = await nearest(`customerId=${site.customerId}&siteId=${site.siteId}&radiusM=1000`, admin);

    expect(positions.size).toBe(0);
    expect(near.body.items).toEqual([]);
    expect(theirSite.status).toBe(404);
  });

  it("keeps its own phones' positions to itself", async () => {
    const phone = await registerPhone(api(), other.admin.token, other.users.coworker.id);
    const res = await sendPings(api(), phone, [{ seq: 1, deviceTime: secondsAgo(3), lat: P.lat, lng: P.lng }]);

    expect(res.body.accepted).toBe(1);
    expect((await positionsOf(api(), t.admin.token)).has(other.users.coworker.id)).toBe(false);
    expect((await positionsOf(api(), other.admin.token)).has(other.users.coworker.id)).toBe(true);
  });
});
