// The phone doors before and at the location service: what POST /v1/device/pings and /osmand send to IngestPings
// (units, unknowns, seq-less, the device as caller), what never reaches it, the uniqueId cache and the rate limit.
import type { location } from '@fieldline/proto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { type FakeAccounts, startFakeAccounts } from './fake-accounts.js';
import { type FakeLocation, startFakeLocation } from './fake-location.js';
import { testGateway, tokenFor } from './gateway-fixture.js';

let accounts: FakeAccounts;
let fake: FakeLocation;
let app: FastifyInstance;

beforeAll(async () => {
  [accounts, fake] = await Promise.all([startFakeAccounts(), startFakeLocation()]);
  app = await testGateway({ accountsAddr: accounts.address, locationAddr: fake.address });
});
afterAll(async () => {
  await app.close();
  await Promise.all([accounts.stop(), fake.stop()]);
});
beforeEach(() => fake.reset());

const ingested = () => fake.callsOf('ingestPings').map((c) => c.request as location.IngestPingsRequest);
const DEVICE_CALLER = { kind: 'device', tenantId: 't_1', userId: 'usr_w', role: 'coworker', deviceId: 'dev_1' };

describe('POST /v1/device/pings', () => {
  const post = (body: unknown, token = 'fld_good') =>
    app.inject({
      method: 'POST',
      url: '/v1/device/pings',
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });

  it('forwards the pings as the device, unknowns as −1 (accuracy 0), with seq', async () => {
    const res = await post({
      pings: [
        { seq: 7, deviceTime: '2030-01-01T10:00:00Z', lat: 1, lng: 2 },
        { seq: 8, deviceTime: '2030-01-01T10:00:05Z', lat: 95, lng: 2, accuracyM: 4, altitudeM: 12, mock: true },
      ],
    });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [{ seq: 8, field: 'lat', reason: 'lat out of range (−90..90)' }],
    });
    expect(ingested()).toEqual([
      {
        seqLess: false,
        pings: [
          {
            seq: 7,
            deviceTime: new Date('2030-01-01T10:00:00Z'),
            lat: 1,
            lng: 2,
            accuracyM: 0,
            speedMps: -1,
            headingDeg: -1,
            batteryPct: -1,
            charging: false,
            mock: false,
          },
          {
            seq: 8,
            deviceTime: new Date('2030-01-01T10:00:05Z'),
            lat: 95,
            lng: 2,
            accuracyM: 4,
            speedMps: -1,
            headingDeg: -1,
            batteryPct: -1,
            altitudeM: 12,
            charging: false,
            mock: true,
          },
        ],
      },
    ]);
    expect(fake.calls[0].caller).toMatchObject(DEVICE_CALLER);
  });

  it('sends pings without seq as seq-less, and names their rejections with a null seq', async () => {
    const res = await post({ pings: [{ deviceTime: '2030-01-01T10:00:00Z', lat: 91, lng: 2 }] });

    expect(ingested()[0].seqLess).toBe(true);
    expect(res.json().rejected).toEqual([{ seq: null, field: 'lat', reason: expect.any(String) }]);
  });

  it('refuses a user, and bad bodies, before any call', async () => {
    const asUser = await post({ pings: [{ deviceTime: '2030-01-01T10:00:00Z', lat: 1, lng: 2 }] }, tokenFor('admin'));
    const badSeq = await post({ pings: [{ seq: 0, deviceTime: '2030-01-01T10:00:00Z', lat: 1, lng: 2 }] });
    const noLat = await post({ pings: [{ deviceTime: '2030-01-01T10:00:00Z', lng: 2 }] });
    const textLat = await post({ pings: [{ deviceTime: '2030-01-01T10:00:00Z', lat: '1', lng: 2 }] });

    expect(asUser.statusCode).toBe(403);
    expect([badSeq, noLat, textLat].map((r) => [r.statusCode, r.json().error.field])).toEqual([
      [400, 'pings.0.seq'],
      [400, 'pings.0.lat'],
      [400, 'pings.0.lat'],
    ]);
    expect(fake.calls).toEqual([]);
  });
});

describe('/osmand', () => {
  it('forwards a classic fix as the device, seq-less, speed from knots, and answers 200 with no body', async () => {
    const res = await app.inject({
      url: '/osmand?id=phone-good&timestamp=1893492000&lat=48.85&lon=2.35&speed=10&bearing=45&batt=60&accuracy=7',
    });

    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    const [req] = ingested();
    expect(req.seqLess).toBe(true);
    expect(req.pings).toEqual([
      {
        seq: 0,
        deviceTime: new Date(1_893_492_000_000),
        lat: 48.85,
        lng: 2.35,
        accuracyM: 7,
        speedMps: expect.closeTo(5.1444, 4),
        headingDeg: 45,
        batteryPct: 60,
        charging: false,
        mock: false,
      },
    ]);
    expect(fake.calls[0].caller).toMatchObject(DEVICE_CALLER);
  });

  it('resolves a device identifier once and then from the cache', async () => {
    const before = accounts.authenticateCalls;

    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ url: `/osmand?id=phone-good&lat=1&lon=${i}` })).statusCode).toBe(200);
    }

    expect(accounts.authenticateCalls - before).toBeLessThanOrEqual(1);
  });

  it('sends nothing for a request without coordinates, nor for an unknown device or a malformed value', async () => {
    const calls = accounts.authenticateCalls;
    const noFix = await app.inject({ url: '/osmand?id=phone-good&notificationToken=x' });
    const unknown = await app.inject({ method: 'POST', url: '/osmand', payload: { device_id: 'nobody' } });
    const malformed = await app.inject({ url: '/osmand?id=phone-good&lat=x&lon=1' });

    expect([noFix.statusCode, unknown.statusCode, malformed.statusCode]).toEqual([200, 404, 400]);
    expect(malformed.json().error.field).toBe('lat');
    expect(fake.calls).toEqual([]);
    // A malformed request is refused before the device is even looked up.
    expect(accounts.authenticateCalls - calls).toBeLessThanOrEqual(1);
  });

  it("names the service's rejection by the client's own field", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/osmand',
      payload: { device_id: 'phone-good', location: { coords: { latitude: 95, longitude: 1 } } },
    });

    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'location.coords.latitude' });
  });

  it('reads a form body over the query string, and a text/plain one like a form', async () => {
    const form = await app.inject({
      method: 'POST',
      url: '/osmand?id=phone-good&lat=1&lon=1',
      payload: 'lat=3&lon=4',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const text = await app.inject({
      method: 'POST',
      url: '/osmand',
      payload: 'id=phone-good&lat=5&lon=6',
      headers: { 'content-type': 'text/plain' },
    });

    expect([form.statusCode, text.statusCode]).toEqual([200, 200]);
    expect(ingested().map((r) => [r.pings[0].lat, r.pings[0].lng])).toEqual([
      [3, 4],
      [5, 6],
    ]);
  });

  it('limits requests per client IP', async () => {
    const limited = await testGateway({
      accountsAddr: accounts.address,
      locationAddr: fake.address,
      deviceRateLimitPerMinute: 2,
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await limited.inject({ url: '/osmand?id=phone-good' })).statusCode);

      expect(codes).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
