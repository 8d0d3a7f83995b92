// Phones reporting positions through the gateway to the real location service: device-token batches (any order,
// duplicates, bad pings named) and the Traccar Client / OsmAnd door in its three formats, each fix checked where a
// dispatcher sees it (latest positions and the track).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Json } from './support/http.js';
import { errorOf, expectStatus } from './support/jobs.js';
import {
  osmandForm,
  osmandJson,
  osmandQuery,
  type Phone,
  positionsOf,
  registerPhone,
  secondsAgo,
  sendPings,
  trackOf,
  unixSecondsAgo,
} from './support/location.js';
import { type Platform, startPlatform } from './support/platform.js';
import { createUser, type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
const api = () => platform.api;

beforeAll(async () => {
  platform = await startPlatform();
  t = await staffedTenant(platform.api, 'Pings');
});
afterAll(() => platform?.stop());

/** A new co-worker with a registered phone, so each test reads only its own fixes. */
async function workerWithPhone(): Promise<Phone> {
  const worker = await createUser(api(), t, 'coworker');
  return registerPhone(api(), t.admin.token, worker.id);
}
const positionOf = async (workerId: string) => (await positionsOf(api(), t.users.dispatcher.token)).get(workerId);
/** The track's fixes in order ([lng, lat] rounded to 1e-7°, as stored), with a lone fix's zero-length line undone. */
const trackPoints = async (workerId: string) => {
  const track = await trackOf(api(), t.users.dispatcher.token, workerId);
  const lines = track.geometry.coordinates as number[][][];
  const times = track.properties.coordTimes as string[][];
  const lone = (i: number) => lines[i].length === 2 && times[i][0] === times[i][1];
  const round = (n: number) => Math.round(n * 1e7) / 1e7;
  return {
    track,
    points: lines
      .flatMap((line, i) => (lone(i) ? line.slice(0, 1) : line))
      .map(([lng, lat]) => [round(lng), round(lat)]),
    times: times.flatMap((line, i) => (lone(i) ? line.slice(0, 1) : line)),
  };
};
const rounded = (n: number) => Math.round(n * 1e7) / 1e7;

describe('POST /v1/device/pings', () => {
  it('stores a batch given in any order with duplicates once each, and counts a resend as duplicates', async () => {
    const phone = await workerWithPhone();
    const pings = [1, 2, 3, 4, 5].map((seq) => ({
      seq,
      deviceTime: secondsAgo(100 - seq * 10),
      lat: 48.85 + seq * 0.001,
      lng: 2.35,
      accuracyM: 5,
      speedMps: 1.5,
      batteryPct: 80 - seq,
    }));
    const batch = [pings[3], pings[0], pings[4], pings[1], pings[1], pings[2]];

    const first = await sendPings(api(), phone, batch);
    const resend = await sendPings(api(), phone, batch);

    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 5, duplicates: 1, rejected: [] });
    expect(resend.body).toEqual({ accepted: 0, duplicates: 6, rejected: [] });
    const { points, times } = await trackPoints(phone.workerId);
    expect(points).toEqual(pings.map((p) => [p.lng, rounded(p.lat)]));
    expect(times).toEqual(pings.map((p) => new Date(p.deviceTime).toISOString()));
    expect(await positionOf(phone.workerId)).toMatchObject({
      lat: expect.closeTo(pings[4].lat, 7),
      lng: 2.35,
      accuracyM: 5,
      speedMps: 1.5,
      batteryPct: 75,
      headingDeg: null,
      deviceTime: new Date(pings[4].deviceTime).toISOString(),
      stale: false,
    });
  });

  it('files a late batch (older than what is stored) into the track and keeps the newest position', async () => {
    const phone = await workerWithPhone();
    expectStatus(
      await sendPings(api(), phone, [{ seq: 10, deviceTime: secondsAgo(10), lat: 45, lng: 5 }]),
      200,
      'live',
    );

    const late = await sendPings(api(), phone, [
      { seq: 3, deviceTime: secondsAgo(70), lat: 44.7, lng: 5 },
      { seq: 1, deviceTime: secondsAgo(90), lat: 44.5, lng: 5 },
      { seq: 2, deviceTime: secondsAgo(80), lat: 44.6, lng: 5 },
    ]);

    expect(late.body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect(await positionOf(phone.workerId)).toMatchObject({ lat: 45, lng: 5 });
    expect((await trackPoints(phone.workerId)).points.map(([, lat]) => lat)).toEqual([44.5, 44.6, 44.7, 45]);
  });

  it('names each bad ping with its seq and field, and stores the good ones', async () => {
    const phone = await workerWithPhone();

    const res = await sendPings(api(), phone, [
      { seq: 1, deviceTime: secondsAgo(30), lat: 48.85, lng: 2.35 },
      { seq: 2, deviceTime: secondsAgo(20), lat: 95, lng: 2.35 },
      { seq: 3, deviceTime: secondsAgo(15), lat: 48.85, lng: 2.35, batteryPct: 140 },
      { seq: 4, deviceTime: new Date(Date.now() + 3600_000).toISOString(), lat: 48.85, lng: 2.35 },
      { seq: 5, deviceTime: secondsAgo(10), lat: 48.86, lng: 2.35, accuracyM: -3 },
      { seq: 6, deviceTime: secondsAgo(5), lat: 48.87, lng: 2.35 },
    ]);

    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: Json) => [r.seq, r.field])).toEqual([
      [2, 'lat'],
      [3, 'batteryPct'],
      [4, 'deviceTime'],
      [5, 'accuracyM'],
    ]);
    expect(res.body.rejected[0].reason).toEqual(expect.any(String));
    expect((await trackPoints(phone.workerId)).points).toHaveLength(2);
  });

  it('deduplicates pings without seq by their device time', async () => {
    const phone = await workerWithPhone();
    const a = { deviceTime: secondsAgo(40), lat: 10, lng: 10 };
    const b = { deviceTime: secondsAgo(30), lat: 10.001, lng: 10 };

    const first = await sendPings(api(), phone, [b, a]);
    const second = await sendPings(api(), phone, [a, { deviceTime: secondsAgo(20), lat: 10.002, lng: 10 }]);

    expect(first.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(second.body).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
  });

  it('refuses a batch over the documented size (400), a body over the limit (413) and malformed pings (400)', async () => {
    const phone = await workerWithPhone();
    const ping = (i: number) => ({ seq: i + 1, deviceTime: secondsAgo(3600 - i), lat: 1, lng: 1 });

    const tooMany = await sendPings(
      api(),
      phone,
      Array.from({ length: 1001 }, (_, i) => ping(i)),
    );
    const tooBig = await api().send('POST', '/v1/device/pings', {
      body: JSON.stringify({ pings: [{ ...ping(0), pad: 'x'.repeat(2 * 1024 * 1024) }] }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${phone.token}` },
    });
    const noTime = await sendPings(api(), phone, [ping(0), { seq: 2, deviceTime: 'yesterday', lat: 1, lng: 1 }]);
    const unknownField = await sendPings(api(), phone, [{ ...ping(0), altitude: 3 }]);
    const empty = await sendPings(api(), phone, []);

    expect(errorOf(tooMany)).toEqual({ status: 400, code: 'VALIDATION_FAILED', field: 'pings' });
    expect(tooBig.status).toBe(413);
    expect(errorOf(noTime)).toEqual({ status: 400, code: 'VALIDATION_FAILED', field: 'pings.1.deviceTime' });
    expect(errorOf(unknownField)).toEqual({ status: 400, code: 'VALIDATION_FAILED', field: 'pings.0.altitude' });
    expect(errorOf(empty)).toMatchObject({ status: 400, field: 'pings' });
  });

  it("takes only a device's token: a user is refused 403, no token 401, a revoked device 401", async () => {
    const phone = await workerWithPhone();
    const body = { pings: [{ seq: 1, deviceTime: secondsAgo(5), lat: 1, lng: 1 }] };

    const asUser = await api().post('/v1/device/pings', body, t.users.coworker.token);
    const anonymous = await api().post('/v1/device/pings', body);
    expectStatus(await api().post(`/v1/devices/${phone.id}/revoke`, undefined, t.admin.token), 200, 'revoke');
    const revoked = await api().post('/v1/device/pings', body, phone.token);

    expect(errorOf(asUser)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(errorOf(anonymous)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(errorOf(revoked)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('Traccar Client / OsmAnd at /osmand', () => {
  it('stores a fix from the query string of a GET (speed in knots, battery in %)', async () => {
    const phone = await workerWithPhone();
    const ts = unixSecondsAgo(20);

    const res = await osmandQuery(
      api(),
      `id=${phone.uniqueId}&timestamp=${ts}&lat=52.52&lon=13.405&speed=10&bearing=90&altitude=40&accuracy=6&batt=77&charge=true`,
    );

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const position = await positionOf(phone.workerId);
    expect(position).toMatchObject({
      lat: 52.52,
      lng: 13.405,
      accuracyM: 6,
      headingDeg: 90,
      batteryPct: 77,
      deviceTime: new Date(ts * 1000).toISOString(),
    });
    expect(position.speedMps).toBeCloseTo(5.144, 3);
    const { track, points } = await trackPoints(phone.workerId);
    expect(points).toEqual([[13.405, 52.52]]);
    expect(track.properties.points).toBe(1);
  });

  it('stores a fix from a POST with the parameters in the query string, and location=lat,lon', async () => {
    const phone = await workerWithPhone();

    const res = await osmandQuery(
      api(),
      `id=${phone.uniqueId}&timestamp=${unixSecondsAgo(15)}&location=40.4168,-3.7038`,
      'POST',
    );

    expect(res.status).toBe(200);
    expect(await positionOf(phone.workerId)).toMatchObject({ lat: 40.4168, lng: -3.7038 });
  });

  it('stores a fix from the form body of newer clients, with an ISO time in milliseconds', async () => {
    const phone = await workerWithPhone();
    const at = secondsAgo(12);

    const res = await osmandForm(
      api(),
      `id=${phone.uniqueId}&lat=41.9028&lon=12.4964&timestamp=${encodeURIComponent(at)}&accuracy=4&altitude=21&speed=0&bearing=0&batt=51&charge=false`,
    );

    expect(res.status).toBe(200);
    expect(await positionOf(phone.workerId)).toMatchObject({
      lat: 41.9028,
      lng: 12.4964,
      accuracyM: 4,
      speedMps: 0,
      batteryPct: 51,
      deviceTime: new Date(at).toISOString(),
    });
  });

  it("stores the fixes of Traccar Client 9's JSON body, one location or an array, speed in m/s and battery 0..1", async () => {
    const phone = await workerWithPhone();
    const location = (secondsBack: number, lat: number) => ({
      timestamp: secondsAgo(secondsBack),
      coords: { latitude: lat, longitude: 2.29, accuracy: 9, speed: 3.5, heading: -1, altitude: 35 },
      is_moving: true,
      odometer: 1200,
      event: 'motionchange',
      battery: { level: 0.42, is_charging: false },
      extras: {},
    });

    const one = await osmandJson(api(), { device_id: phone.uniqueId, location: location(50, 48.858) });
    const many = await osmandJson(api(), {
      device_id: phone.uniqueId,
      location: [location(40, 48.859), { event: 'heartbeat' }, location(30, 48.86)],
    });

    expect([one.status, many.status]).toEqual([200, 200]);
    expect(await positionOf(phone.workerId)).toMatchObject({
      lat: 48.86,
      lng: 2.29,
      speedMps: 3.5,
      headingDeg: null,
      batteryPct: 42,
    });
    expect((await trackPoints(phone.workerId)).points.map(([, lat]) => lat)).toEqual([48.858, 48.859, 48.86]);
  });

  it('stores the same fix sent twice once (Traccar Client resends what it got no answer for)', async () => {
    const phone = await workerWithPhone();
    const query = `id=${phone.uniqueId}&timestamp=${unixSecondsAgo(25)}&lat=1.5&lon=1.5`;

    expect((await osmandQuery(api(), query)).status).toBe(200);
    expect((await osmandQuery(api(), query)).status).toBe(200);

    expect((await trackPoints(phone.workerId)).points).toEqual([[1.5, 1.5]]);
  });

  it('answers 200 to a request without coordinates and stores nothing (not a fix at 0,0)', async () => {
    const phone = await workerWithPhone();

    const query = await osmandQuery(api(), `id=${phone.uniqueId}&notificationToken=abc123`);
    const form = await osmandForm(api(), `id=${phone.uniqueId}&batt=50`);
    const json = await osmandJson(api(), { device_id: phone.uniqueId, location: { event: 'providerchange' } });
    const invalid = await osmandQuery(api(), `id=${phone.uniqueId}&lat=1&lon=2&valid=false`);

    expect([query.status, form.status, json.status, invalid.status]).toEqual([200, 200, 200, 200]);
    expect(await positionOf(phone.workerId)).toBeUndefined();
    expect((await trackPoints(phone.workerId)).points).toEqual([]);
  });

  it('answers an unknown device 404 to the JSON client and 400 to the classic one, as Traccar does', async () => {
    const json = await osmandJson(api(), {
      device_id: 'no-such-device',
      location: { timestamp: secondsAgo(5), coords: { latitude: 1, longitude: 1 } },
    });
    const query = await osmandQuery(api(), `id=no-such-device&lat=1&lon=1`);
    const form = await osmandForm(api(), 'id=no-such-device&lat=1&lon=1');

    expect(errorOf(json)).toEqual({ status: 404, code: 'DEVICE_NOT_FOUND', field: 'device_id' });
    expect(errorOf(query)).toEqual({ status: 400, code: 'DEVICE_NOT_FOUND', field: 'id' });
    expect(errorOf(form)).toEqual({ status: 400, code: 'DEVICE_NOT_FOUND', field: 'id' });
  });

  it("refuses a revoked device's identifier", async () => {
    const phone = await workerWithPhone();
    expectStatus(await api().post(`/v1/devices/${phone.id}/revoke`, undefined, t.admin.token), 200, 'revoke');

    const res = await osmandQuery(api(), `id=${phone.uniqueId}&lat=1&lon=1`);

    expect(errorOf(res)).toMatchObject({ status: 400, code: 'DEVICE_NOT_FOUND' });
  });

  it('refuses malformed and impossible values with 400 naming the parameter as the client sent it', async () => {
    const phone = await workerWithPhone();
    const id = phone.uniqueId;
    const jsonWith = (coords: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      osmandJson(api(), { device_id: id, location: { timestamp: secondsAgo(5), coords, ...extra } });

    const cases = await Promise.all([
      osmandQuery(api(), `id=${id}&lat=north&lon=1`),
      osmandQuery(api(), `id=${id}&lat=1&lon=1&timestamp=yesterday`),
      osmandQuery(api(), `id=${id}&lat=45`),
      osmandQuery(api(), `id=${id}&lat=95&lon=1`),
      osmandQuery(api(), `id=${id}&lat=1&lon=1&batt=140`),
      osmandForm(api(), `id=${id}&lat=1&lon=1&speed=fast`),
      osmandQuery(api(), `id=${id}&location=1`),
      osmandQuery(api(), 'lat=1&lon=1'),
      jsonWith({ latitude: 'x', longitude: 1 }),
      jsonWith({ latitude: 1, longitude: 200 }),
      jsonWith({ latitude: 1, longitude: 1 }, { battery: { level: 'full' } }),
    ]);

    expect(cases.map(errorOf)).toEqual([
      { status: 400, code: 'VALIDATION_FAILED', field: 'lat' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'timestamp' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'lon' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'lat' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'batt' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'speed' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'location' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'id' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'location.coords.latitude' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'location.coords.longitude' },
      { status: 400, code: 'VALIDATION_FAILED', field: 'location.battery.level' },
    ]);
    expect(await positionOf(phone.workerId)).toBeUndefined();
  });

  it('refuses other media types (415), and invalid JSON (400)', async () => {
    const phone = await workerWithPhone();

    const xml = await api().send('POST', '/osmand', {
      body: `<id>${phone.uniqueId}</id>`,
      headers: { 'content-type': 'application/xml' },
    });
    const broken = await api().send('POST', '/osmand', {
      body: '{"device_id":',
      headers: { 'content-type': 'application/json' },
    });

    expect(xml.status).toBe(415);
    expect(errorOf(broken)).toMatchObject({ status: 400, code: 'INVALID_JSON' });
  });
});
