// Unit tests of the OsmAnd / Traccar Client reader: the three formats real clients send and their edge cases.
import { describe, expect, it } from '@jest/globals';
import { KNOT_MPS, OsmandInputError, parseOsmandJson, parseOsmandParams, parseTimestamp } from './parse-osmand.js';

const NOW = new Date('2030-06-01T12:00:00Z');
const params = (query: string) => new Map(new URLSearchParams(query));
const fromQuery = (query: string) => parseOsmandParams(params(query), NOW);
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    if (err instanceof OsmandInputError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('expected an OsmandInputError');
};

describe('the query string of the classic protocol', () => {
  it('reads every parameter Traccar Client sends, speed from knots to m/s', () => {
    const report = fromQuery(
      'id=phone-1&timestamp=1900000000&lat=48.8566&lon=2.3522&speed=10&bearing=90.5&altitude=35&accuracy=12&batt=87.5&charge=true&mock=false',
    );

    expect(report).toEqual({
      format: 'params',
      deviceId: 'phone-1',
      fixes: [
        {
          deviceTime: new Date(1_900_000_000_000),
          lat: 48.8566,
          lng: 2.3522,
          accuracyM: 12,
          speedMps: 10 * KNOT_MPS,
          headingDeg: 90.5,
          batteryPct: 87.5,
          altitudeM: 35,
          charging: true,
          mock: false,
        },
      ],
      fieldNames: [
        {
          deviceTime: 'timestamp',
          lat: 'lat',
          lng: 'lon',
          accuracyM: 'accuracy',
          speedMps: 'speed',
          headingDeg: 'bearing',
          batteryPct: 'batt',
          altitudeM: 'altitude',
        },
      ],
    });
    expect(report.fixes[0].speedMps).toBeCloseTo(5.1444, 4);
  });

  it('takes the device as deviceid too, and gives unknown values as −1 (accuracy 0)', () => {
    const report = fromQuery('deviceid=phone-2&lat=1&lon=2&timestamp=1900000000');

    expect(report.deviceId).toBe('phone-2');
    expect(report.fixes[0]).toEqual({
      deviceTime: new Date(1_900_000_000_000),
      lat: 1,
      lng: 2,
      accuracyM: 0,
      speedMps: -1,
      headingDeg: -1,
      batteryPct: -1,
      charging: false,
      mock: false,
    });
  });

  it('reads location=lat,lon and names it for both coordinates', () => {
    const report = fromQuery('id=p&location=-33.8688,151.2093&timestamp=1900000000');

    expect(report.fixes[0]).toMatchObject({ lat: -33.8688, lng: 151.2093 });
    expect(report.fieldNames[0]).toMatchObject({ lat: 'location', lng: 'location' });
  });

  it('reads heading when there is no bearing, and hdop (metres in the OsmAnd app) when there is no accuracy', () => {
    const report = fromQuery('id=p&lat=1&lon=2&heading=270&hdop=7');

    expect(report.fixes[0]).toMatchObject({ headingDeg: 270, accuracyM: 7 });
    expect(report.fieldNames[0]).toMatchObject({ headingDeg: 'heading', accuracyM: 'hdop' });
    expect(fromQuery('id=p&lat=1&lon=2&bearing=10&heading=270&accuracy=3&hdop=7').fixes[0]).toMatchObject({
      headingDeg: 10,
      accuracyM: 3,
    });
  });

  it('treats a negative speed or bearing as unknown', () => {
    expect(fromQuery('id=p&lat=1&lon=2&speed=-1&bearing=-1').fixes[0]).toMatchObject({ speedMps: -1, headingDeg: -1 });
  });

  it('keeps an alarm, and a mock location flag', () => {
    expect(fromQuery('id=p&lat=1&lon=2&alarm=sos&mock=1').fixes[0]).toMatchObject({ alarm: 'sos', mock: true });
  });

  it('stores no fix for a request without coordinates (a push-token update), and none for valid=false', () => {
    expect(fromQuery('id=p&notificationToken=abc')).toEqual({
      format: 'params',
      deviceId: 'p',
      fixes: [],
      fieldNames: [],
    });
    expect(fromQuery('id=p&lat=&lon=').fixes).toEqual([]);
    expect(fromQuery('id=p&lat=1&lon=2&valid=false').fixes).toEqual([]);
    expect(fromQuery('id=p&lat=1&lon=2&valid=true').fixes).toHaveLength(1);
  });

  it('never reads a missing coordinate as 0', () => {
    expect(refusal(() => fromQuery('id=p&lat=45'))).toMatchObject({ field: 'lon' });
    expect(refusal(() => fromQuery('id=p&lon=5'))).toMatchObject({ field: 'lat' });
  });

  it('gives a fix without a timestamp the time it was received', () => {
    expect(fromQuery('id=p&lat=1&lon=2').fixes[0].deviceTime).toEqual(NOW);
  });

  it.each([
    ['a missing id', 'lat=1&lon=2', 'id'],
    ['an empty id', 'id=&lat=1&lon=2', 'id'],
    ['an id with spaces', 'id=a%20b&lat=1&lon=2', 'id'],
    ['an id too long', `id=${'x'.repeat(129)}&lat=1&lon=2`, 'id'],
    ['a latitude that is no number', 'id=p&lat=north&lon=2', 'lat'],
    ['a hexadecimal longitude', 'id=p&lat=1&lon=0x10', 'lon'],
    ['a location with one number', 'id=p&location=1', 'location'],
    ['a location with three numbers', 'id=p&location=1,2,3', 'location'],
    ['a location that is no number', 'id=p&location=a,b', 'location'],
    ['a bad speed', 'id=p&lat=1&lon=2&speed=fast', 'speed'],
    ['a bad bearing', 'id=p&lat=1&lon=2&bearing=N', 'bearing'],
    ['a bad heading', 'id=p&lat=1&lon=2&heading=N', 'heading'],
    ['a bad altitude', 'id=p&lat=1&lon=2&altitude=high', 'altitude'],
    ['a bad accuracy', 'id=p&lat=1&lon=2&accuracy=good', 'accuracy'],
    ['a bad hdop', 'id=p&lat=1&lon=2&hdop=x', 'hdop'],
    ['a bad battery', 'id=p&lat=1&lon=2&batt=full', 'batt'],
    ['a bad charge flag', 'id=p&lat=1&lon=2&charge=maybe', 'charge'],
    ['a bad mock flag', 'id=p&lat=1&lon=2&mock=perhaps', 'mock'],
    ['a bad valid flag', 'id=p&lat=1&lon=2&valid=yes', 'valid'],
    ['a bad timestamp', 'id=p&lat=1&lon=2&timestamp=yesterday', 'timestamp'],
    ['a malformed value without coordinates', 'id=p&batt=lots', 'batt'],
  ])('refuses %s (%s), naming the field', (_what, query, field) => {
    expect(refusal(() => fromQuery(query)).field).toBe(field);
  });

  it('ignores parameters it does not know', () => {
    expect(fromQuery('id=p&lat=1&lon=2&odometer=12&event=motion&wakelock=true').fixes).toHaveLength(1);
  });
});

describe('timestamps', () => {
  it.each([
    ['unix seconds', '1900000000', '2030-03-17T17:46:40.000Z'],
    ['fractional seconds', '1900000000.25', '2030-03-17T17:46:40.250Z'],
    ['2^31 − 1 is still seconds', String(2 ** 31 - 1), '2038-01-19T03:14:07.000Z'],
    ['milliseconds from 2^31 on', '1900000000123', '2030-03-17T17:46:40.123Z'],
    ['ISO 8601 in UTC', '2030-03-17T17:46:40Z', '2030-03-17T17:46:40.000Z'],
    ['ISO 8601 with milliseconds', '2030-03-17T17:46:40.123Z', '2030-03-17T17:46:40.123Z'],
    ['ISO 8601 with microseconds', '2030-03-17T17:46:40.123456Z', '2030-03-17T17:46:40.123Z'],
    ['ISO 8601 with an offset', '2030-03-17T19:46:40+02:00', '2030-03-17T17:46:40.000Z'],
    ['ISO 8601 with a compact offset', '2030-03-17T12:46:40-0500', '2030-03-17T17:46:40.000Z'],
    ['ISO 8601 without a zone (UTC)', '2030-03-17T17:46:40', '2030-03-17T17:46:40.000Z'],
    ['a space instead of T', '2030-03-17 17:46:40', '2030-03-17T17:46:40.000Z'],
    ["an offset's + decoded as a space", '2030-03-17T19:46:40 02:00', '2030-03-17T17:46:40.000Z'],
  ])('reads %s', (_what, raw, iso) => {
    expect(parseTimestamp('timestamp', raw, NOW).toISOString()).toBe(iso);
  });

  it('reads a JSON number like its text', () => {
    expect(parseTimestamp('t', 1_900_000_000, NOW).toISOString()).toBe('2030-03-17T17:46:40.000Z');
    expect(parseTimestamp('t', 1_900_000_000_123, NOW).toISOString()).toBe('2030-03-17T17:46:40.123Z');
  });

  it('takes an empty timestamp as now', () => {
    expect(parseTimestamp('t', '  ', NOW)).toEqual(NOW);
  });

  it.each([
    ['words', 'yesterday'],
    ['a negative number', '-5'],
    ['a day that does not exist', '2030-02-31T10:00:00Z'],
    ['an hour that does not exist', '2030-03-17T25:00:00Z'],
    ['a date alone', '2030-03-17'],
    ['garbage after the time', '2030-03-17T10:00:00Zulu'],
  ])('refuses %s', (_what, raw) => {
    expect(refusal(() => parseTimestamp('timestamp', raw, NOW))).toMatchObject({ field: 'timestamp' });
  });
});

describe('the form body of newer clients', () => {
  it('reads the same fields from a form body as from a query string', () => {
    const form =
      'id=phone-3&lat=52.52&lon=13.405&timestamp=2030-03-17T17%3A46%3A40Z&accuracy=5&altitude=40&speed=2&bearing=180&batt=55&charge=false';

    const report = parseOsmandParams(params(form), NOW);

    expect(report.fixes[0]).toEqual({
      deviceTime: new Date('2030-03-17T17:46:40Z'),
      lat: 52.52,
      lng: 13.405,
      accuracyM: 5,
      speedMps: 2 * KNOT_MPS,
      headingDeg: 180,
      batteryPct: 55,
      altitudeM: 40,
      charging: false,
      mock: false,
    });
  });
});

describe('the JSON body of Traccar Client 9', () => {
  const body = (location: unknown, extra: Record<string, unknown> = {}) => ({
    device_id: 'phone-9',
    location,
    ...extra,
  });
  const loc = {
    timestamp: '2030-03-17T17:46:40.500Z',
    coords: { latitude: 40.4168, longitude: -3.7038, accuracy: 8, speed: 3.5, heading: 45, altitude: 650 },
    is_moving: true,
    odometer: 1234.5,
    event: 'motionchange',
    battery: { level: 0.73, is_charging: true },
    activity: { type: 'walking' },
    extras: { foo: 'bar' },
  };

  it('reads a location, speed in m/s and the battery level as a fraction', () => {
    const report = parseOsmandJson(body(loc), NOW);

    expect(report).toEqual({
      format: 'json',
      deviceId: 'phone-9',
      fixes: [
        {
          deviceTime: new Date('2030-03-17T17:46:40.500Z'),
          lat: 40.4168,
          lng: -3.7038,
          accuracyM: 8,
          speedMps: 3.5,
          headingDeg: 45,
          batteryPct: 73,
          altitudeM: 650,
          charging: true,
          mock: false,
        },
      ],
      fieldNames: [
        {
          deviceTime: 'location.timestamp',
          lat: 'location.coords.latitude',
          lng: 'location.coords.longitude',
          accuracyM: 'location.coords.accuracy',
          speedMps: 'location.coords.speed',
          headingDeg: 'location.coords.heading',
          batteryPct: 'location.battery.level',
          altitudeM: 'location.coords.altitude',
        },
      ],
    });
  });

  it('reads speed, heading and battery −1 as unknown', () => {
    const report = parseOsmandJson(
      body({ ...loc, coords: { ...loc.coords, speed: -1, heading: -1 }, battery: { level: -1, is_charging: false } }),
      NOW,
    );

    expect(report.fixes[0]).toMatchObject({ speedMps: -1, headingDeg: -1, batteryPct: -1, charging: false });
  });

  it('takes a battery level above 1 as a percentage, and 1 as full', () => {
    expect(parseOsmandJson(body({ ...loc, battery: { level: 64 } }), NOW).fixes[0].batteryPct).toBe(64);
    expect(parseOsmandJson(body({ ...loc, battery: { level: 1 } }), NOW).fixes[0].batteryPct).toBe(100);
  });

  it('reads an array of locations (an offline buffer), naming fields by index', () => {
    const later = { ...loc, timestamp: '2030-03-17T17:47:40Z', coords: { latitude: 1, longitude: 2 } };

    const report = parseOsmandJson(body([loc, { event: 'heartbeat' }, later]), NOW);

    expect(report.fixes.map((f) => f.deviceTime.toISOString())).toEqual([
      '2030-03-17T17:46:40.500Z',
      '2030-03-17T17:47:40.000Z',
    ]);
    expect(report.fieldNames[1].lat).toBe('location.2.coords.latitude');
  });

  it('stores no fix without a location or without coords', () => {
    expect(parseOsmandJson({ device_id: 'p' }, NOW).fixes).toEqual([]);
    expect(parseOsmandJson({ device_id: 'p', location: null }, NOW).fixes).toEqual([]);
    expect(parseOsmandJson(body({ event: 'providerchange', battery: { level: 0.5 } }), NOW).fixes).toEqual([]);
    expect(parseOsmandJson(body({ coords: {} }), NOW).fixes).toEqual([]);
    expect(parseOsmandJson(body([]), NOW).fixes).toEqual([]);
  });

  it('accepts a numeric device id, numeric strings for numbers, the mock flag and a missing timestamp', () => {
    const report = parseOsmandJson(
      { device_id: 123456, location: { mock: true, coords: { latitude: '10.5', longitude: '20' } } },
      NOW,
    );

    expect(report.deviceId).toBe('123456');
    expect(report.fixes[0]).toMatchObject({ lat: 10.5, lng: 20, mock: true, deviceTime: NOW, speedMps: -1 });
  });

  it.each([
    ['a body that is not an object', [], 'device_id'],
    ['a missing device_id', { location: loc }, 'device_id'],
    ['a device_id of the wrong type', { device_id: { x: 1 }, location: loc }, 'device_id'],
    ['a location that is not an object', body('here'), 'location'],
    ['coords that are not an object', body({ coords: [1, 2] }), 'location.coords'],
    ['a latitude that is no number', body({ coords: { latitude: 'north', longitude: 1 } }), 'location.coords.latitude'],
    ['a latitude without longitude', body({ coords: { latitude: 1 } }), 'location.coords.longitude'],
    ['a longitude without latitude', body({ coords: { longitude: 1 } }), 'location.coords.latitude'],
    ['a bad speed', body({ coords: { latitude: 1, longitude: 2, speed: 'fast' } }), 'location.coords.speed'],
    ['a bad timestamp', body({ ...loc, timestamp: 'soon' }), 'location.timestamp'],
    ['a timestamp of the wrong type', body({ ...loc, timestamp: true }), 'location.timestamp'],
    ['a bad battery level', body({ ...loc, battery: { level: 'high' } }), 'location.battery.level'],
    ['a battery that is not an object', body({ ...loc, battery: 0.5 }), 'location.battery'],
    [
      'a bad charging flag',
      body({ ...loc, battery: { level: 0.5, is_charging: 'maybe' } }),
      'location.battery.is_charging',
    ],
    ['a bad item of an array', body([loc, { coords: { latitude: 'x', longitude: 1 } }]), 'location.1.coords.latitude'],
    ['too many locations', body(Array.from({ length: 1001 }, () => loc)), 'location'],
  ])('refuses %s, naming the field', (_what, input, field) => {
    expect(refusal(() => parseOsmandJson(input, NOW)).field).toBe(field);
  });
});
