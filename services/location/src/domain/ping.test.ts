// Ping validation: each bad field is refused with its name and a reason; unknown (−1) values pass.
import { describe, expect, it } from '@jest/globals';
import { MAX_FUTURE_MS, type Ping, validatePing } from './ping.js';

const now = Date.UTC(2026, 0, 5, 9, 0, 0);
const good: Ping = {
  seq: 7,
  deviceTime: now - 1000,
  lat: 48.85,
  lng: 2.35,
  accuracyM: 8,
  speedMps: 3,
  headingDeg: 90,
  batteryPct: 80,
};

describe('validatePing', () => {
  it('accepts a good ping, unknown values (−1 or absent) and the edges of each range', () => {
    expect(validatePing(good, now)).toBeUndefined();
    expect(validatePing({ seq: 1, deviceTime: now, lat: 0, lng: 0 }, now)).toBeUndefined();
    expect(
      validatePing({ ...good, speedMps: -1, headingDeg: -1, batteryPct: -1, accuracyM: 0, lat: -90, lng: 180 }, now),
    ).toBeUndefined();
    expect(
      validatePing({ ...good, headingDeg: 360, batteryPct: 100, deviceTime: now + MAX_FUTURE_MS }, now),
    ).toBeUndefined();
    expect(validatePing({ ...good, seq: undefined }, now, { seqLess: true })).toBeUndefined();
  });

  it.each([
    [{ lat: 90.1 }, 'lat'],
    [{ lat: Number.NaN }, 'lat'],
    [{ lng: -181 }, 'lng'],
    [{ lng: Number.POSITIVE_INFINITY }, 'lng'],
    [{ deviceTime: now + MAX_FUTURE_MS + 1 }, 'deviceTime'],
    [{ deviceTime: Date.UTC(1999, 11, 31) }, 'deviceTime'],
    [{ deviceTime: Number.NaN }, 'deviceTime'],
    [{ accuracyM: -1 }, 'accuracyM'],
    [{ accuracyM: Number.POSITIVE_INFINITY }, 'accuracyM'],
    [{ speedMps: -2 }, 'speedMps'],
    [{ headingDeg: 361 }, 'headingDeg'],
    [{ batteryPct: 101 }, 'batteryPct'],
    [{ batteryPct: Number.NaN }, 'batteryPct'],
    [{ altitudeM: Number.NaN }, 'altitudeM'],
    [{ seq: 0 }, 'seq'],
    [{ seq: 1.5 }, 'seq'],
  ] as Array<[Partial<Ping>, string]>)('refuses %o naming %s, keeping the seq', (patch, field) => {
    const rejection = validatePing({ ...good, ...patch }, now);
    expect(rejection).toMatchObject({ field, seq: field === 'seq' ? 0 : 7 });
    expect(rejection?.reason).toEqual(expect.any(String));
  });
});
